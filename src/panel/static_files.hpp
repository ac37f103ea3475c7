// The single-page app's built files (panel/web/dist), served by the panel from a directory
// found at run time: `--web DIR`, else $CALLPLAN_PANEL_WEB, else the installed
// <prefix>/share/callplan/panel, else panel/web/dist of the source tree the binary was built
// from. Only regular files inside that directory are served; any path that is not a file
// there gets index.html (the app routes in the browser).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace callplan::panel {

struct StaticFile {
  std::string body;
  std::string content_type;
  bool immutable = false;  // a hashed asset name: cacheable for a year
};

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // The file for a request target ("/assets/index-1a2b.js"), or index.html; nullopt when even
  // index.html is missing.
  std::optional<StaticFile> get(std::string_view target) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// The first of the places above that holds an index.html, or nullopt.
std::optional<std::filesystem::path> find_web_dir(const std::optional<std::filesystem::path>& given);

}  // namespace callplan::panel
