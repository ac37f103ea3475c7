#include "scenario/call_text.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include <fmt/format.h>

#include "callplan/error.hpp"

namespace callplan::detail {
namespace {

// Calls `f` with every comma-separated item, trimmed of spaces, skipping empty ones.
template <class F>
void for_each_item(std::string_view text, F f) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) f(item);
    start = end + 1;
  }
}

}  // namespace

std::vector<PresenceItem> split_presence_text(std::string_view text, std::string_view what) {
  std::vector<PresenceItem> out;
  for_each_item(text, [&](std::string_view item) {
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw Error(fmt::format("{}: `{}` is not EXT=STATE (e.g. 002=busy)", what, item));
    }
    out.push_back({item.substr(0, eq), item.substr(eq + 1)});
  });
  return out;
}

std::vector<AnswerItem> split_answer_text(std::string_view text, std::string_view what) {
  std::vector<AnswerItem> out;
  for_each_item(text, [&](std::string_view item) {
    AnswerItem answer;
    std::size_t at = item.find('@');
    std::size_t eq = item.find('=');
    if (eq != std::string_view::npos && item.substr(eq + 1) == "busy") {
      answer.target = item.substr(0, eq);
      answer.busy = true;
    } else if (at != std::string_view::npos) {
      answer.target = item.substr(0, at);
      std::string_view secs = item.substr(at + 1);
      auto [end, ec] =
          std::from_chars(secs.data(), secs.data() + secs.size(), answer.after_seconds);
      if (ec != std::errc() || end != secs.data() + secs.size()) {
        throw Error(
            fmt::format("{}: `{}` in `{}` is not a whole number of seconds", what, secs, item));
      }
    } else {
      throw Error(fmt::format("{}: `{}` is neither X@SECONDS nor X=busy (e.g. 001@5,002=busy)",
                              what, item));
    }
    if (answer.target.empty()) {
      throw Error(fmt::format("{}: `{}` names nobody: write X@SECONDS or X=busy", what, item));
    }
    out.push_back(answer);
  });
  return out;
}

}  // namespace callplan::detail
