// tests/support/captured_stderr.hpp — what the code under test writes to standard error, for
// tests of components whose only output is a line there (the SIP transport's log, a security
// log that must stay silent).
//
// It redirects file descriptor 2 itself, not just the stderr FILE*, so writes through any
// path (fprintf, fmt::print, std::cerr, write(2, ...)) are caught. Header-only, so that test
// binaries that do not link callplan_test_support (the SIP layers) can use it.
//
//   CapturedStderr err;
//   component.do_something();
//   EXPECT_EQ(err.text(), "sip transport: ...\n");
#pragma once

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

namespace callplan::testsupport {

class CapturedStderr {
 public:
  CapturedStderr() : file_(std::tmpfile()) {
    if (file_ == nullptr) throw std::runtime_error("CapturedStderr: no temporary file");
    flush();
    saved_ = ::dup(STDERR_FILENO);
    if (saved_ < 0 || ::dup2(::fileno(file_), STDERR_FILENO) < 0) {
      std::fclose(file_);
      throw std::runtime_error("CapturedStderr: cannot redirect standard error");
    }
  }
  ~CapturedStderr() {
    flush();
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    std::fclose(file_);
  }
  CapturedStderr(const CapturedStderr&) = delete;
  CapturedStderr& operator=(const CapturedStderr&) = delete;

  // Everything written to standard error since the capture began.
  std::string text() {
    flush();
    std::string out;
    std::rewind(file_);
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file_)) > 0;) out.append(buffer, n);
    std::fseek(file_, 0, SEEK_END);
    return out;
  }

 private:
  static void flush() {
    std::fflush(stderr);
    std::cerr.flush();
  }

  std::FILE* file_;
  int saved_ = -1;
};

}  // namespace callplan::testsupport
