// callplan/source.hpp — where every element of a tenant was written.
//
// The loader gives each model element (and each field worth pointing at) a `SourceId`; the
// `SourceMap` turns it back into file:line:column and keeps the file texts so that formatters
// can show the offending line with a caret. The model itself never holds YAML.
//
//   const callplan::Location& at = tenant.sources.location(user.extension.where);
//   std::string_view line = tenant.sources.line_text(at.file, at.line);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "callplan/diagnostics.hpp"
#include "callplan/export.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

// Index into a SourceMap. 0 means "not written in any file" (a default value).
using SourceId = std::uint32_t;
inline constexpr SourceId kNoSource = 0;

// A value and the place it was written. `where == kNoSource` means the value is a default:
// the user did not write it.
template <class T>
struct Located {
  T value{};
  SourceId where = kNoSource;

  bool given() const { return where != kNoSource; }
};

class SourceMap {
 public:
  SourceMap();

  // Registers a file and its text (kept for caret display). Returns its index.
  std::uint32_t add_file(std::string path, std::string text);

  // Records a place; line and column are 1-based. Returns its id (never kNoSource).
  SourceId add(std::uint32_t file, std::uint32_t line, std::uint32_t column);

  // The place of `id`; an unknown Location for kNoSource or an out-of-range id.
  Location location(SourceId id) const;

  // The text of line `line` (1-based) of a registered file, without its newline; empty when
  // the file or line is unknown.
  std::string_view line_text(std::string_view file, std::uint32_t line) const;

  std::size_t file_count() const { return files_.size(); }
  const std::string& file_path(std::uint32_t file) const { return files_.at(file).path; }

 private:
  struct File {
    std::string path;
    std::string text;
    std::vector<std::uint32_t> line_starts;  // offset of each line's first byte
  };
  struct Place {
    std::uint32_t file;
    std::uint32_t line;
    std::uint32_t column;
  };
  std::vector<File> files_;
  std::vector<Place> places_;  // places_[0] is the "no source" sentinel
};

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
