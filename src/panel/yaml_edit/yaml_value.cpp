#include "panel/yaml_edit/yaml_value.hpp"

#include <fmt/format.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

namespace callplan::panel {

YamlValue YamlValue::scalar(std::string s) {
  YamlValue v;
  v.kind = Kind::scalar;
  v.text = std::move(s);
  return v;
}

YamlValue YamlValue::sequence(std::vector<YamlValue> items) {
  YamlValue v;
  v.kind = Kind::sequence;
  v.items = std::move(items);
  return v;
}

YamlValue YamlValue::map(std::vector<std::pair<std::string, YamlValue>> entries) {
  YamlValue v;
  v.kind = Kind::map;
  v.entries = std::move(entries);
  return v;
}

const YamlValue* YamlValue::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

YamlValue* YamlValue::find(std::string_view key) {
  for (auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string format_path(const YamlPath& path) {
  std::string out;
  for (const auto& step : path) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      if (!out.empty()) out += '.';
      out += *key;
    } else {
      out += fmt::format("[{}]", std::get<std::size_t>(step));
    }
  }
  return out.empty() ? std::string("(the document)") : out;
}

namespace {

// yaml-cpp's Node keeps duplicate map keys as separate pairs, in order; we keep them too, so
// that a duplicate in the file is not hidden by the comparison.
YamlValue from_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return YamlValue::scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      YamlValue v = YamlValue::sequence();
      for (const auto& item : node) v.items.push_back(from_node(item));
      return v;
    }
    case YAML::NodeType::Map: {
      YamlValue v = YamlValue::map();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar())
          throw YAML::Exception(YAML::Mark(), "a map key is not a scalar");
        v.entries.emplace_back(entry.first.Scalar(), from_node(entry.second));
      }
      return v;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return YamlValue::null();
}

std::string describe(const YamlValue& v) {
  switch (v.kind) {
    case YamlValue::Kind::null: return "nothing";
    case YamlValue::Kind::scalar: return fmt::format("`{}`", v.text);
    case YamlValue::Kind::sequence: return fmt::format("a list of {}", v.items.size());
    case YamlValue::Kind::map: return fmt::format("a map of {}", v.entries.size());
  }
  return "?";
}

std::optional<std::string> difference_at(const YamlValue& e, const YamlValue& a, YamlPath& path) {
  auto here = [&] {
    return fmt::format("{}: {} instead of {}", format_path(path), describe(a), describe(e));
  };
  if (e.kind != a.kind) return here();
  switch (e.kind) {
    case YamlValue::Kind::null: return std::nullopt;
    case YamlValue::Kind::scalar:
      if (e.text != a.text) return here();
      return std::nullopt;
    case YamlValue::Kind::sequence:
      if (e.items.size() != a.items.size()) return here();
      for (std::size_t i = 0; i < e.items.size(); ++i) {
        path.emplace_back(i);
        auto d = difference_at(e.items[i], a.items[i], path);
        path.pop_back();
        if (d) return d;
      }
      return std::nullopt;
    case YamlValue::Kind::map:
      if (e.entries.size() != a.entries.size()) return here();
      for (std::size_t i = 0; i < e.entries.size(); ++i) {
        if (e.entries[i].first != a.entries[i].first) {
          return fmt::format("{}: key #{} is `{}` instead of `{}`", format_path(path), i + 1,
                             a.entries[i].first, e.entries[i].first);
        }
        path.emplace_back(e.entries[i].first);
        auto d = difference_at(e.entries[i].second, a.entries[i].second, path);
        path.pop_back();
        if (d) return d;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<YamlValue> parse_value(std::string_view text, std::string* error) {
  try {
    std::istringstream in{std::string(text)};
    return from_node(YAML::Load(in));
  } catch (const YAML::Exception& e) {
    if (error) *error = e.what();
    return std::nullopt;
  }
}

std::optional<std::string> first_difference(const YamlValue& expected, const YamlValue& actual) {
  YamlPath path;
  return difference_at(expected, actual, path);
}

}  // namespace callplan::panel
