// Reads the RFC 4475 / RFC 5118 torture messages (byte-exact copies in tests/sip/torture).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "sip/message.hpp"

namespace callplan::sip::test {

inline std::string read_torture(const std::string& relative) {
  const std::string path = std::string(CALLPLAN_SIP_TORTURE_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return {};
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A parsed torture file: keeps the bytes alive next to the views into them.
struct Parsed {
  std::string bytes;
  Message msg;
  ParseResult result;
  std::string why() const { return describe(result, bytes); }
};

inline void parse_torture(const std::string& relative, Parsed& p) {
  p.bytes = read_torture(relative);
  p.result = parse_message(p.bytes, p.msg);
}

}  // namespace callplan::sip::test
