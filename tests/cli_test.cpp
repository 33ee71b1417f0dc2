// `cartable build` and `cartable check` as a user runs them: diagnostics on
// broken sources, exit codes, an untouched previous site, reproducible output.
#include <gtest/gtest.h>

#include <functional>
#include <regex>

#include "support.h"

using namespace cartable_test;

namespace {

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    copy_default_site(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  // Builds the intact site, breaks it with `edit`, builds again: the second
  // build must fail with `expected` and leave public/ as the first one wrote it.
  void expect_failure_keeps_site(const std::function<void()>& edit, const std::string& expected_regex) {
    RunResult first = run_cartable(dir, "build");
    ASSERT_EQ(first.status, 0) << first.err;
    auto before = snapshot(dir / "public");
    ASSERT_FALSE(before.empty());
    edit();
    RunResult second = run_cartable(dir, "build");
    EXPECT_NE(second.status, 0);
    EXPECT_TRUE(std::regex_search(second.err, std::regex(expected_regex))) << second.err;
    EXPECT_EQ(snapshot(dir / "public"), before) << "a failed build changed the published site";
    // No staging folder left behind.
    for (const auto& e : fs::directory_iterator(dir)) {
      EXPECT_EQ(e.path().filename().string().find(".public.tmp"), std::string::npos) << e.path();
    }
  }

  fs::path dir;
};

}  // namespace

TEST_F(Cli, UnknownModuleInALinkFailsWithPositionAndHint) {
  fs::path file = dir / "content/programme.md";
  expect_failure_keeps_site(
      [&] { replace_in_file(file, "[](module:m4)", "[](module:m7)"); },
      "");
  auto [line, col] = position_of(file, "[](module:m7)");
  RunResult r = run_cartable(dir, "build");
  std::string expected = "content/programme.md:" + std::to_string(line) + ":" + std::to_string(col) +
                         ": error: unresolved link: no module 'm7'\n  hint: did you mean m";
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
}

TEST_F(Cli, UnknownCompetencyFailsWithPositionAndHint) {
  fs::path file = dir / "content/modules/m2.md";
  expect_failure_keeps_site([&] { replace_in_file(file, "  - rc-num-so/1.3\n", "  - rc-num-so/3.2\n"); },
                            "unknown competency 'rc-num-so/3.2'");
  auto [line, col] = position_of(file, "rc-num-so/3.2");
  RunResult r = run_cartable(dir, "build");
  std::string expected = "content/modules/m2.md:" + std::to_string(line) + ":" + std::to_string(col) +
                         ": error: unknown competency 'rc-num-so/3.2'\n  hint: did you mean rc-num-so/3.1?";
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
}

TEST_F(Cli, UnknownModuleRefInFrontMatterLinkOfAFramework) {
  fs::path file = dir / "content/frameworks/crcne.yaml";
  expect_failure_keeps_site([&] { replace_in_file(file, "(framework:pix-edu)", "(framework:pix-edo)"); },
                            R"(content/frameworks/crcne\.yaml:\d+:\d+: error: unresolved link: no framework 'pix-edo'\n  hint: did you mean pix-edu\?)");
}

TEST_F(Cli, MalformedYamlFailsWithPosition) {
  fs::path file = dir / "content/modules/m3.md";
  // A key indented under a scalar: invalid YAML on that line.
  expect_failure_keeps_site([&] { replace_in_file(file, "periods: 28\n", "periods: 28\n  extra: 1\n"); },
                            R"(content/modules/m3\.md:\d+:\d+: error: invalid YAML)");
  auto [line, col] = position_of(file, "  extra: 1");
  RunResult r = run_cartable(dir, "build");
  EXPECT_NE(r.err.find("content/modules/m3.md:" + std::to_string(line) + ":"), std::string::npos) << r.err;
}

TEST_F(Cli, MalformedSiteYamlFails) {
  expect_failure_keeps_site([&] { replace_in_file(dir / "site.yaml", "language: fr", "language: [fr"); },
                            R"(site\.yaml:\d+:\d+: error: invalid YAML)");
}

TEST_F(Cli, TwoBuildsAreByteIdentical) {
  ASSERT_EQ(run_cartable(dir, "build --out build/one").status, 0);
  ASSERT_EQ(run_cartable(dir, "build --out build/two -j 1").status, 0);
  auto one = snapshot(dir / "build/one");
  auto two = snapshot(dir / "build/two");
  ASSERT_GT(one.size(), 90u);
  EXPECT_EQ(one, two);
}

TEST_F(Cli, RebuildReplacesStaleFiles) {
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  write(dir / "public/stale.html", "old");
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  EXPECT_FALSE(fs::exists(dir / "public/stale.html"));
  EXPECT_TRUE(fs::exists(dir / "public/index.html"));
}

TEST_F(Cli, CheckValidatesAndWritesNothing) {
  RunResult ok = run_cartable(dir, "check");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_FALSE(fs::exists(dir / "public"));
  replace_in_file(dir / "content/modules/m1.md", "  - rc-num-so/6.3\n", "  - rc-num-so/6.4\n");
  RunResult bad = run_cartable(dir, "check");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("unknown competency 'rc-num-so/6.4'"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "public"));
}

TEST_F(Cli, NotASiteSaysWhatToDo) {
  fs::path empty = temp_dir("empty");
  RunResult r = run_cartable(empty, "build");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("error: no site.yaml here"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--source"), std::string::npos);
  EXPECT_FALSE(fs::exists(empty / "public"));
  fs::remove_all(empty);
}

TEST_F(Cli, SourceOptionBuildsFromAnotherFolder) {
  fs::path elsewhere = temp_dir("elsewhere");
  RunResult r = run_cartable(elsewhere, "build --source " + dir.string() + " --out site");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(elsewhere / "site/index.html"));
  fs::remove_all(elsewhere);
}
