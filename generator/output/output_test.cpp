#include "output/output.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace cartable;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("cartable-out-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
}  // namespace

TEST(Output, CommitReplacesTheOldSiteWhole) {
  fs::path root = fresh_dir("commit");
  fs::create_directories(root / "public/old");
  std::ofstream(root / "public/old/index.html") << "old";
  Diagnostics diags;
  auto staging = StagingDir::open((root / "public").string(), diags);
  ASSERT_TRUE(staging);
  staging->write("modules/m1/index.html", "new");
  EXPECT_FALSE(fs::exists(root / "public/modules"));  // nothing visible before commit
  ASSERT_TRUE(staging->commit(diags));
  EXPECT_EQ(slurp(root / "public/modules/m1/index.html"), "new");
  EXPECT_FALSE(fs::exists(root / "public/old"));
  staging.reset();
  // No staging folder is left behind.
  size_t entries = std::distance(fs::directory_iterator(root), fs::directory_iterator());
  EXPECT_EQ(entries, 1u);
  fs::remove_all(root);
}

TEST(Output, AbandonedStagingLeavesTheOldSiteUntouched) {
  fs::path root = fresh_dir("abort");
  fs::create_directories(root / "public");
  std::ofstream(root / "public/index.html") << "old";
  {
    Diagnostics diags;
    auto staging = StagingDir::open((root / "public").string(), diags);
    staging->write("index.html", "half-done");
  }  // destroyed without commit, as after a build error
  EXPECT_EQ(slurp(root / "public/index.html"), "old");
  size_t entries = std::distance(fs::directory_iterator(root), fs::directory_iterator());
  EXPECT_EQ(entries, 1u);
  fs::remove_all(root);
}

TEST(Output, FirstBuildCreatesTheFolder) {
  fs::path root = fresh_dir("first");
  Diagnostics diags;
  auto staging = StagingDir::open((root / "site").string(), diags);
  staging->write("a/b/c.txt", "x");
  ASSERT_TRUE(staging->commit(diags));
  EXPECT_EQ(slurp(root / "site/a/b/c.txt"), "x");
  fs::remove_all(root);
}
