// sip/scanner.hpp — character classes and a bounds-checked cursor for the SIP grammar
// (RFC 3261 section 25). Internal to the parser files.
//
// Every scanning step advances or fails; nothing backtracks more than a constant distance, so
// every parser built on the cursor is linear in its input. Header values handed to a Cursor
// may still contain folds (CRLF followed by SP/HT): skip_lws() treats a fold as whitespace, so
// values are parsed in place without unfolding copies.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace callplan::sip::detail {

enum CharClass : std::uint16_t {
  kAlpha = 1 << 0,
  kDigit = 1 << 1,
  kHex = 1 << 2,
  kToken = 1 << 3,           // token: alphanum / "-" "." "!" "%" "*" "_" "+" "`" "'" "~"
  kUnreserved = 1 << 4,      // alphanum / mark: "-" "_" "." "!" "~" "*" "'" "(" ")"
  kUserUnreserved = 1 << 5,  // "&" "=" "+" "$" "," ";" "?" "/"
  kPassword = 1 << 6,        // "&" "=" "+" "$" ","   (plus unreserved / escaped)
  kParamUnreserved = 1 << 7, // "[" "]" "/" ":" "&" "+" "$"
  kHnvUnreserved = 1 << 8,   // "[" "]" "/" "?" ":" "+" "$"
  kWord = 1 << 9,            // word (Call-ID): token chars plus ( ) < > : \ " / [ ] ? { }
  kSchemeTail = 1 << 10,     // ALPHA / DIGIT / "+" / "-" / "."
  kUric = 1 << 11,           // reserved / unreserved (opaque URI bodies); '%' handled apart
};

constexpr std::array<std::uint16_t, 256> make_char_table() {
  std::array<std::uint16_t, 256> t{};
  auto add = [&t](std::string_view chars, std::uint16_t cls) {
    for (char c : chars) t[static_cast<unsigned char>(c)] |= cls;
  };
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] |= kAlpha;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] |= kAlpha;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] |= kDigit | kHex;
  add("abcdefABCDEF", kHex);
  for (std::size_t c = 0; c < 256; ++c) {
    if (t[c] & (kAlpha | kDigit)) {
      t[c] |= kToken | kUnreserved | kWord | kSchemeTail | kUric;
    }
  }
  add("-.!%*_+`'~", kToken | kWord);
  add("-_.!~*'()", kUnreserved | kUric);
  add("&=+$,;?/", kUserUnreserved);
  add("&=+$,", kPassword);
  add("[]/:&+$", kParamUnreserved);
  add("[]/?:+$", kHnvUnreserved);
  add("()<>:\\\"/[]?{}", kWord);
  add("+-.", kSchemeTail);
  add(";/?:@&=+$,[]", kUric);
  return t;
}

inline constexpr std::array<std::uint16_t, 256> kCharTable = make_char_table();

constexpr bool has_class(char c, std::uint16_t cls) {
  return (kCharTable[static_cast<unsigned char>(c)] & cls) != 0;
}
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return has_class(c, kAlpha); }
constexpr bool is_hex(char c) { return has_class(c, kHex); }
constexpr bool is_token_char(char c) { return has_class(c, kToken); }
constexpr bool is_ws(char c) { return c == ' ' || c == '\t'; }
constexpr char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

// True when every character of `s` is of class `cls` or a valid %HH escape (when allowed).
constexpr bool all_of_class(std::string_view s, std::uint16_t cls, bool escapes) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (has_class(s[i], cls)) continue;
    if (escapes && s[i] == '%' && i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

constexpr bool is_token(std::string_view s) { return !s.empty() && all_of_class(s, kToken, false); }

// Strips SP/HT (and folds) from both ends.
constexpr std::string_view trim_lws(std::string_view s) {
  while (!s.empty() && (is_ws(s.front()) || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (is_ws(s.back()) || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// A forward-only cursor over a header value.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;

  constexpr bool done() const { return i >= s.size(); }
  constexpr char peek() const { return i < s.size() ? s[i] : '\0'; }
  constexpr std::string_view rest() const { return s.substr(i); }

  // Skips SP, HT and folds (CRLF followed by SP/HT). Returns whether anything was skipped.
  constexpr bool skip_lws() {
    const std::size_t start = i;
    while (i < s.size()) {
      if (is_ws(s[i])) {
        ++i;
      } else if (s[i] == '\r' && i + 2 < s.size() && s[i + 1] == '\n' && is_ws(s[i + 2])) {
        i += 3;
      } else {
        break;
      }
    }
    return i != start;
  }

  constexpr bool eat(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }

  // SWS c SWS — the separators of the grammar (SEMI, EQUAL, COMMA, SLASH, COLON...).
  constexpr bool sep(char c) {
    const std::size_t start = i;
    skip_lws();
    if (eat(c)) {
      skip_lws();
      return true;
    }
    i = start;
    return false;
  }

  template <typename Pred>
  constexpr std::string_view take_while(Pred pred) {
    const std::size_t start = i;
    while (i < s.size() && pred(s[i])) ++i;
    return s.substr(start, i - start);
  }

  constexpr std::string_view take_class(std::uint16_t cls) {
    return take_while([cls](char c) { return has_class(c, cls); });
  }

  constexpr std::string_view take_token() { return take_class(kToken); }

  // quoted-string: DQUOTE *(qdtext / quoted-pair) DQUOTE. Returns the inside (escapes kept) or
  // false when the quote is unterminated or holds a bare CR/LF.
  constexpr bool take_quoted(std::string_view& inside) {
    if (!eat('"')) return false;
    const std::size_t start = i;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        inside = s.substr(start, i - start);
        ++i;
        return true;
      }
      if (c == '\\') {
        // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
        if (i + 1 >= s.size()) return false;
        const auto n = static_cast<unsigned char>(s[i + 1]);
        if (n == '\r' || n == '\n' || n > 0x7f) return false;
        i += 2;
        continue;
      }
      if (c == '\r') {
        // A fold inside a quoted string is LWS and allowed; anything else is not.
        if (i + 2 < s.size() && s[i + 1] == '\n' && is_ws(s[i + 2])) {
          i += 3;
          continue;
        }
        return false;
      }
      if (c == '\n') return false;
      ++i;
    }
    return false;
  }
};

// Position of the first `a` or `b` at or after `from`, npos when none. (string_view's
// find_first_of calls memchr once per character: too slow for the hot path.)
constexpr std::size_t find_either(std::string_view s, char a, char b, std::size_t from = 0) {
  for (std::size_t i = from; i < s.size(); ++i) {
    if (s[i] == a || s[i] == b) return i;
  }
  return std::string_view::npos;
}

// Parses an unsigned decimal without overflow; false when empty, non-digit, or above `max`.
constexpr bool parse_uint(std::string_view s, std::uint64_t max, std::uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

}  // namespace callplan::sip::detail
