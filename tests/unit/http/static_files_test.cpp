#include "http/static_files.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

std::string header(const http::response& res, const std::string& name) {
  for (const auto& [key, value] : res.headers) {
    if (key == name) return value;
  }
  return {};
}

// outside/secret.txt must never be reachable from outside/web.
class static_files : public ::testing::Test {
 protected:
  static_files() {
    dir.write("secret.txt", "top secret");
    dir.write("web/index.html", "<h1>shop</h1>");
    dir.write("web/admin/index.html", "<h1>admin</h1>");
    dir.write("web/.env", "DB_PASSWORD=x");
    dir.write("web/a..b.txt", "dots inside a name are fine");
    for (const auto& [name, type] : expected_types) dir.write("web/assets/file." + name, "x");
    fs::create_symlink(dir.path() / "secret.txt", dir.path() / "web" / "leak.txt");
    fs::create_directory_symlink(dir.path(), dir.path() / "web" / "up");
    root = (dir.path() / "web").string();
  }

  test_support::temp_dir dir;
  std::string root;
  const std::vector<std::pair<std::string, std::string>> expected_types{
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"ico", "image/x-icon"},
      {"json", "application/json"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
      {"webmanifest", "application/manifest+json"},
  };
};

TEST_F(static_files, serves_a_file_with_its_content_type) {
  for (const auto& [ext, type] : expected_types) {
    auto res = http::serve_static(root, "/assets/file." + ext, false);
    ASSERT_TRUE(res) << ext;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->content_type, type) << ext;
    EXPECT_EQ(res->body, "x");
  }
  EXPECT_EQ(http::mime_type("archive.tar"), "application/octet-stream");
  EXPECT_EQ(http::mime_type("PHOTO.JPG"), "image/jpeg");
}

TEST_F(static_files, pages_scripts_and_styles_are_revalidated_and_images_cached_for_an_hour) {
  // A browser must not run yesterday's script against today's page.
  for (const char* code : {"/index.html", "/assets/file.css", "/assets/file.js", "/assets/file.mjs"}) {
    auto file = http::serve_static(root, code, false);
    ASSERT_TRUE(file) << code;
    EXPECT_EQ(header(*file, "Cache-Control"), "no-cache") << code;
  }
  auto image = http::serve_static(root, "/assets/file.svg", false);
  ASSERT_TRUE(image);
  EXPECT_EQ(header(*image, "Cache-Control"), "public, max-age=3600");
}

TEST_F(static_files, a_directory_serves_its_index) {
  auto home = http::serve_static(root, "/", false);
  ASSERT_TRUE(home);
  EXPECT_EQ(home->body, "<h1>shop</h1>");
  EXPECT_EQ(home->content_type, "text/html; charset=utf-8");
  for (std::string path : {"/admin", "/admin/"}) {
    auto admin = http::serve_static(root, path, false);
    ASSERT_TRUE(admin) << path;
    EXPECT_EQ(admin->body, "<h1>admin</h1>");
  }
  EXPECT_FALSE(http::serve_static(root, "/assets/", false));  // no index.html there
}

TEST_F(static_files, missing_files_are_nullopt) {
  EXPECT_FALSE(http::serve_static(root, "/nope.html", false));
  EXPECT_FALSE(http::serve_static(root, "/assets/file.css/more", false));
  EXPECT_FALSE(http::serve_static((dir.path() / "no-such-root").string(), "/index.html", false));
}

TEST_F(static_files, head_reports_the_length_without_a_body) {
  auto res = http::serve_static(root, "/index.html", true);
  ASSERT_TRUE(res);
  EXPECT_TRUE(res->body.empty());
  EXPECT_EQ(header(*res, "Content-Length"), std::to_string(std::string("<h1>shop</h1>").size()));
  EXPECT_EQ(res->content_type, "text/html; charset=utf-8");
}

TEST_F(static_files, nothing_outside_the_root_is_served) {
  const std::vector<std::string> attempts{
      "/../secret.txt",
      "/admin/../../secret.txt",
      "/%2e%2e/secret.txt",  // arrived as %252e%252e: decoded once, still encoded
      "/%2E%2E/secret.txt",
      "/..%2fsecret.txt",
      "/..%5csecret.txt",
      "/..\\secret.txt",
      "\\..\\secret.txt",
      std::string("/index.html\0/../../secret.txt", 29),
      "/leak.txt",       // symlink to a file outside
      "/up/secret.txt",  // symlinked directory outside
      "/.env",           // dot-files are never part of the site
      "/./index.html",
      "..",
      "/..",
  };
  for (const auto& path : attempts) {
    auto res = http::serve_static(root, path, false);
    EXPECT_FALSE(res) << "served " << path;
  }
  // A name containing two dots is an ordinary name.
  EXPECT_TRUE(http::serve_static(root, "/a..b.txt", false));
}

}  // namespace
