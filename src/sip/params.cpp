#include "sip/params.hpp"

#include "sip/scanner.hpp"

namespace callplan::sip {

bool ParamList::next(std::size_t& pos, Param& out) const {
  detail::Cursor cur{raw_, pos};
  if (lws_) cur.skip_lws();
  if (cur.done()) return false;
  // Names and values end at the next separator; quoted values may contain separators.
  const std::size_t name_start = cur.i;
  while (!cur.done() && cur.peek() != '=' && cur.peek() != ';' &&
         !(lws_ && (detail::is_ws(cur.peek()) || cur.peek() == '\r'))) {
    ++cur.i;
  }
  out = Param{};
  out.name = raw_.substr(name_start, cur.i - name_start);
  if (lws_ ? cur.sep('=') : cur.eat('=')) {
    out.has_value = true;
    const std::size_t value_start = cur.i;
    std::string_view inside;
    if (cur.peek() == '"' && cur.take_quoted(inside)) {
      out.value = raw_.substr(value_start, cur.i - value_start);
    } else {
      while (!cur.done() && cur.peek() != ';' &&
             !(lws_ && (detail::is_ws(cur.peek()) || cur.peek() == '\r'))) {
        ++cur.i;
      }
      out.value = raw_.substr(value_start, cur.i - value_start);
    }
  }
  if (lws_) cur.skip_lws();
  if (!cur.done()) {
    if (cur.peek() != ';') {
      // Unexpected byte: stop here rather than loop (validated text never gets here).
      pos = raw_.size();
      return !out.name.empty();
    }
    ++cur.i;
  }
  pos = cur.i;
  return true;
}

std::optional<Param> ParamList::find(std::string_view name) const {
  std::optional<Param> found;
  for_each([&](const Param& p) {
    if (detail::iequals(p.name, name)) {
      found = p;
      return false;
    }
    return true;
  });
  return found;
}

std::optional<std::string_view> ParamList::value(std::string_view name) const {
  if (auto p = find(name)) return p->value;
  return std::nullopt;
}

}  // namespace callplan::sip
