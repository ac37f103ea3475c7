#include "load/reader.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "diagnostics/make_issue.hpp"
#include "load/value_syntax.hpp"

namespace callplan::load {

Issue& Reader::report(std::string_view code, std::string message, const YamlNode& at) {
  return report(code, std::move(message), location(at));
}

Issue& Reader::report(std::string_view code, std::string message, Location at) {
  state_.result.issues.push_back(detail::make_issue(code, std::move(message), std::move(at)));
  return state_.result.issues.back();
}

std::string quoted_list(std::span<const std::string_view> names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += fmt::format("`{}`", names[i]);
  }
  return out;
}

MapView::MapView(Reader& reader, const YamlNode& node, std::string what,
                 std::span<const std::string_view> keys)
    : reader_(reader), node_(node), what_(std::move(what)) {
  if (!node.is_map()) {
    reader.report("CP102", fmt::format("{} must be a map of fields, not {}", what_, describe(node)),
                  node);
    return;
  }
  ok_ = true;
  for (const YamlEntry& e : node.entries) {
    const std::string& k = e.key->text;
    if (std::find(keys.begin(), keys.end(), k) != keys.end()) continue;
    Issue& issue = reader.report("CP101", fmt::format("unknown key `{}` in {}", k, what_), *e.key);
    std::string hint = detail::did_you_mean(k, keys);
    issue.hints.push_back(!hint.empty() ? hint
                                        : fmt::format("the keys here are {}", quoted_list(keys)));
  }
}

const YamlNode* MapView::get(std::string_view key) const {
  if (!ok_) return nullptr;
  const YamlEntry* e = node_.find(key);
  return e != nullptr ? e->value.get() : nullptr;
}

const YamlNode* MapView::key(std::string_view key) const {
  if (!ok_) return nullptr;
  const YamlEntry* e = node_.find(key);
  return e != nullptr ? e->key.get() : nullptr;
}

const YamlNode* MapView::require(std::string_view key) {
  if (!ok_) return nullptr;
  const YamlNode* v = get(key);
  if (v == nullptr) {
    reader_.report("CP103", fmt::format("{} needs `{}`", what_, key), node_);
    return nullptr;
  }
  if (v->is_null()) {
    reader_.report("CP103", fmt::format("`{}` of {} has no value", key, what_), *v);
    return nullptr;
  }
  return v;
}

bool scalar_text(Reader& reader, const YamlNode& node, std::string_view field, std::string& out) {
  if (node.is_null()) return false;
  if (!node.is_scalar()) {
    reader.report("CP102", fmt::format("`{}` must be text, not {}", field, describe(node)), node);
    return false;
  }
  out = node.text;
  return true;
}

std::vector<const YamlNode*> list_items(Reader& reader, const YamlNode& node,
                                        std::string_view field, bool allow_single) {
  std::vector<const YamlNode*> items;
  if (node.is_sequence()) {
    for (const NodePtr& item : node.items) items.push_back(item.get());
  } else if (allow_single && node.is_scalar()) {
    items.push_back(&node);
  } else if (!node.is_null()) {
    Issue& issue = reader.report(
        "CP102", fmt::format("`{}` must be a list, not {}", field, describe(node)), node);
    if (node.is_scalar()) issue.hints.push_back(fmt::format("write `{}: [{}]`", field, node.text));
  }
  return items;
}

bool read_text(MapView& map, std::string_view key, Located<std::string>& out) {
  const YamlNode* v = map.get(key);
  std::string text;
  if (v == nullptr || !scalar_text(map.reader(), *v, key, text)) return false;
  out = Located<std::string>{std::move(text), map.reader().where(*v)};
  return true;
}

bool read_text(MapView& map, std::string_view key, std::string& out) {
  const YamlNode* v = map.get(key);
  return v != nullptr && scalar_text(map.reader(), *v, key, out);
}

bool read_bool(MapView& map, std::string_view key, Located<bool>& out) {
  const YamlNode* v = map.get(key);
  if (v == nullptr || v->is_null()) return false;
  static constexpr std::string_view kTrue[] = {"true", "yes", "on"};
  static constexpr std::string_view kFalse[] = {"false", "no", "off"};
  if (v->is_scalar() && v->plain) {
    std::string lower = to_lower(v->text);
    bool t = std::find(std::begin(kTrue), std::end(kTrue), lower) != std::end(kTrue);
    bool f = std::find(std::begin(kFalse), std::end(kFalse), lower) != std::end(kFalse);
    if (t || f) {
      out = Located<bool>{t, map.reader().where(*v)};
      return true;
    }
  }
  Issue& issue = map.reader().report(
      "CP102", fmt::format("`{}` must be true or false, not {}", key, describe(*v)), *v);
  if (v->is_scalar() && !v->plain) issue.hints.push_back("write it without quotes");
  return false;
}

bool read_count(MapView& map, std::string_view key, Located<std::uint32_t>& out,
                std::uint32_t min, std::uint32_t max, std::string_view unit) {
  const YamlNode* v = map.get(key);
  if (v == nullptr || v->is_null()) return false;
  Reader& r = map.reader();
  std::string_view text = v->is_scalar() ? std::string_view(v->text) : std::string_view();
  bool negative = !text.empty() && text.front() == '-';
  std::string_view digits = negative ? text.substr(1) : text;
  if (!v->is_scalar() || !is_digits(digits) || !v->plain) {
    // "2.5" is a number, just not a whole one: that is a duration problem, not a type one.
    std::size_t dot = digits.find('.');
    if (v->is_scalar() && v->plain && dot != std::string_view::npos &&
        is_digits(digits.substr(0, dot)) && is_digits(digits.substr(dot + 1))) {
      r.report("CP123", fmt::format("`{}` must be a whole number of {}, not {}", key, unit, text),
               *v);
      return false;
    }
    Issue& issue = r.report(
        "CP102", fmt::format("`{}` must be a whole number of {}, not {}", key, unit, describe(*v)),
        *v);
    if (v->is_scalar() && !v->plain && is_digits(text)) {
      issue.hints.push_back(fmt::format("write it without quotes: {}", text));
    }
    return false;
  }
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  bool too_big = ec == std::errc::result_out_of_range || value > max;
  if (negative || value < min || too_big) {
    std::string range = min == 0 ? fmt::format("0 or more (at most {})", max)
                                 : fmt::format("at least {} and at most {}", min, max);
    r.report("CP123", fmt::format("`{}` is {} {}; it must be {}", key, text, unit, range), *v);
    return false;
  }
  (void)end;
  out = Located<std::uint32_t>{static_cast<std::uint32_t>(value), r.where(*v)};
  return true;
}

bool report_unknown_enum(Reader& reader, const YamlNode& at, std::string_view field,
                         std::string_view text, std::span<const std::string_view> names) {
  Issue& issue = reader.report(
      "CP107", fmt::format("`{}` is not a valid `{}`; use one of {}", text, field, quoted_list(names)),
      at);
  std::string hint = detail::did_you_mean(text, names);
  if (hint.empty()) hint = detail::did_you_mean(to_lower(text), names);
  if (!hint.empty()) issue.hints.push_back(std::move(hint));
  return false;
}

}  // namespace callplan::load
