// sip/params.hpp — zero-copy views over parameter lists.
//
// URI parameters (";lr;transport=tcp", no whitespace) and header parameters
// ("; tag = 1918181833n", LWS allowed around ';' and '=') are stored as the raw text after the
// first ';' and searched on demand. The parsers validate the text before they store it, so
// iteration never fails; it still stops safely on anything unexpected.
#pragma once

#include <optional>
#include <string_view>

namespace callplan::sip {

struct Param {
  std::string_view name;
  std::string_view value;  // quoted values keep their quotes
  bool has_value = false;
};

class ParamList {
 public:
  ParamList() = default;
  // `raw` starts at the first parameter name (after the first ';'). `lws` allows whitespace
  // and folds around separators (header parameters).
  ParamList(std::string_view raw, bool lws) : raw_(raw), lws_(lws) {}

  std::string_view raw() const { return raw_; }
  bool empty() const { return raw_.empty(); }

  // Visits parameters in order; stops early when `fn` returns false.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    std::size_t pos = 0;
    Param p;
    while (next(pos, p)) {
      if (!fn(p)) return;
    }
  }

  // The first parameter named `name` (case-insensitive), or nullopt.
  std::optional<Param> find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name).has_value(); }
  // Value of `name` ("" for a valueless parameter), or nullopt when absent.
  std::optional<std::string_view> value(std::string_view name) const;

  // Low-level step used by for_each; advances `pos`. False at the end.
  bool next(std::size_t& pos, Param& out) const;

 private:
  std::string_view raw_;
  bool lws_ = false;
};

}  // namespace callplan::sip
