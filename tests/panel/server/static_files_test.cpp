// The web app's files: only plain names inside the directory; everything else is index.html.
#include "panel/static_files.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "temp_tenant.hpp"

namespace callplan::panel {
namespace {

class Static : public ::testing::Test {
 protected:
  Static() {
    const auto dir = tenant_.state() / "web";
    std::filesystem::create_directories(dir / "assets");
    std::ofstream(dir / "index.html") << "<!doctype html>index";
    std::ofstream(dir / "assets" / "index-1a2b.js") << "js";
    std::ofstream(dir / ".secret") << "hidden";
    std::ofstream(tenant_.state() / "outside.txt") << "outside";
    files_.emplace(dir);
  }
  std::string body(std::string_view target) { return files_->get(target)->body; }

  testing::TempTenant tenant_;
  std::optional<StaticFiles> files_;
};

TEST_F(Static, ServesFilesWithTheirTypeAndCachesHashedAssets) {
  const auto js = files_->get("/assets/index-1a2b.js?v=1");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->body, "js");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(js->immutable);
  const auto index = files_->get("/");
  EXPECT_EQ(index->body, "<!doctype html>index");
  EXPECT_FALSE(index->immutable);
  EXPECT_EQ(body("/users"), "<!doctype html>index");  // the app's own routes
}

TEST_F(Static, NothingOutsideTheDirectoryNorHiddenFiles) {
  for (const char* target : {"/../outside.txt", "/assets/../../outside.txt", "/.secret",
                             "/assets/%2e%2e/%2e%2e/outside.txt", "//etc/passwd", "/assets//index-1a2b.js",
                             "/assets\\..\\..\\outside.txt"})
    EXPECT_EQ(body(target), "<!doctype html>index") << target;
}

TEST(FindWebDir, AnExplicitDirectoryWithoutAnAppIsNotReplaced) {
  EXPECT_EQ(find_web_dir(std::filesystem::path("/nonexistent/web")), std::nullopt);
}

}  // namespace
}  // namespace callplan::panel
