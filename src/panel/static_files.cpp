#include "panel/static_files.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace callplan::panel {
namespace fs = std::filesystem;
namespace {

std::string_view type_of(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".json") return "application/json";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".ico") return "image/x-icon";
  return "application/octet-stream";
}

std::optional<std::string> read(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

}  // namespace

std::optional<StaticFile> StaticFiles::get(std::string_view target) const {
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  // Only plain names: no "..", no empty or hidden segments, no backslashes or NULs.
  bool plain = !path.empty() && path.front() == '/';
  std::string_view rest = plain ? path.substr(1) : std::string_view{};
  while (plain && !rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment.front() == '.' ||
        segment.find_first_of(std::string_view("\\\0%", 3)) != std::string_view::npos)
      plain = false;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (plain && path.size() > 1) {
    const fs::path file = dir_ / fs::path(std::string(path.substr(1)));
    if (auto body = read(file))
      return StaticFile{std::move(*body), std::string(type_of(file)),
                        path.rfind("/assets/", 0) == 0};
  }
  if (auto body = read(dir_ / "index.html"))
    return StaticFile{std::move(*body), "text/html; charset=utf-8", false};
  return std::nullopt;
}

std::optional<fs::path> find_web_dir(const std::optional<fs::path>& given) {
  std::error_code ec;
  if (given) {  // an explicit --web that has no app: say so rather than fall back
    if (fs::is_regular_file(*given / "index.html", ec)) return given;
    return std::nullopt;
  }
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("CALLPLAN_PANEL_WEB"); env && *env) candidates.emplace_back(env);
#ifdef CALLPLAN_PANEL_WEB_INSTALLED
  candidates.emplace_back(CALLPLAN_PANEL_WEB_INSTALLED);
#endif
#ifdef CALLPLAN_PANEL_WEB_SOURCE
  candidates.emplace_back(CALLPLAN_PANEL_WEB_SOURCE);
#endif
  for (const fs::path& dir : candidates)
    if (fs::is_regular_file(dir / "index.html", ec)) return dir;
  return std::nullopt;
}

}  // namespace callplan::panel
