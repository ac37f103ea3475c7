#include "callplan/source.hpp"

namespace callplan {

SourceMap::SourceMap() { places_.push_back(Place{0, 0, 0}); }

std::uint32_t SourceMap::add_file(std::string path, std::string text) {
  File f{std::move(path), std::move(text), {0}};
  for (std::uint32_t i = 0; i < f.text.size(); ++i) {
    if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
  }
  files_.push_back(std::move(f));
  return static_cast<std::uint32_t>(files_.size() - 1);
}

SourceId SourceMap::add(std::uint32_t file, std::uint32_t line, std::uint32_t column) {
  places_.push_back(Place{file, line, column});
  return static_cast<SourceId>(places_.size() - 1);
}

Location SourceMap::location(SourceId id) const {
  if (id == kNoSource || id >= places_.size()) return {};
  const Place& p = places_[id];
  if (p.file >= files_.size()) return {};
  return Location{files_[p.file].path, p.line, p.column};
}

std::string_view SourceMap::line_text(std::string_view file, std::uint32_t line) const {
  for (const File& f : files_) {
    if (f.path != file) continue;
    if (line == 0 || line > f.line_starts.size()) return {};
    std::size_t begin = f.line_starts[line - 1];
    std::size_t end = line < f.line_starts.size() ? f.line_starts[line] - 1 : f.text.size();
    std::string_view text(f.text);
    text = text.substr(begin, end - begin);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    return text;
  }
  return {};
}

}  // namespace callplan
