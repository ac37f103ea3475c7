// sip/header_values.hpp — small header grammars: CSeq, Call-ID, numbers, option-tag lists,
// media types, and the comma splitter for list headers (RFC 3261 7.3.1).
#pragma once

#include <cstdint>
#include <string_view>

#include "sip/method.hpp"

namespace callplan::sip {

struct CSeq {
  std::uint32_t number = 0;
  Method method = Method::other;
  std::string_view method_text;
};

// "1*DIGIT LWS Method". False on bad syntax or a number above 2^32-1 (RFC 4475 scalar02).
bool parse_cseq(std::string_view value, CSeq& out) noexcept;

// callid = word [ "@" word ].
bool valid_call_id(std::string_view value) noexcept;

// delta-seconds / Max-Forwards / Content-Length: digits only, at most `max`.
bool parse_number(std::string_view value, std::uint64_t max, std::uint64_t& out) noexcept;

// m-type "/" m-subtype *( SEMI m-parameter ).
bool valid_media_type(std::string_view value) noexcept;

// Splits a list header value on top-level commas: commas inside quoted strings and '<>' do
// not split. Each call yields the next trimmed element; false at the end.
class ListSplitter {
 public:
  explicit ListSplitter(std::string_view value) : value_(value) {}
  bool next(std::string_view& element) noexcept;
  // True when the value had an empty element ("a,,b", "a,", ",") or an unbalanced quote/'<'.
  bool malformed() const noexcept { return malformed_; }

 private:
  std::string_view value_;
  std::size_t pos_ = 0;
  bool malformed_ = false;
  bool finished_ = false;
};

}  // namespace callplan::sip
