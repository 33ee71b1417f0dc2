// The output folder as users rebuild it: into the same folder, over and over,
// sometimes interrupted, sometimes on a full disk. Real binary, real file
// system.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <thread>

#include "support.h"

using namespace cartable_test;

namespace {

class Output : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    copy_default_site(dir / "site");
  }
  void TearDown() override { fs::remove_all(dir); }

  // A stand-in for Pagefind, written by the test (nothing from a source tree runs).
  fs::path fake_pagefind(const std::string& body) {
    fs::path p = dir / "fake-pagefind";
    write(p, "#!/bin/sh\n" + body + "\n");
    fs::permissions(p, fs::perms::owner_all);
    return p;
  }

  // Everything beside the output folder.
  std::vector<std::string> beside_site() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir / "site")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir;
};

}  // namespace

// Edits between rebuilds into the same folder; after each, the folder holds
// exactly what a build into an empty folder holds (output_test beside
// output.cpp checks that unchanged files are not rewritten).
TEST_F(Output, RebuildsIntoTheSameFolderMatchFreshBuilds) {
  fs::path site = dir / "site";
  fs::path entry = site / "portfolios/camille-rochat/prevention.md";
  auto check_same_as_fresh = [&](const std::string& audience) {
    std::string args = "build --no-search --audience " + audience;
    RunResult again = run_cartable(site, args + " --out build/out-" + audience);
    ASSERT_EQ(again.status, 0) << again.err;
    fs::remove_all(dir / "fresh");
    RunResult fresh = run_cartable(site, args + " --no-cache --out " + (dir / "fresh").string());
    ASSERT_EQ(fresh.status, 0) << fresh.err;
    EXPECT_EQ(snapshot(site / ("build/out-" + audience)), snapshot(dir / "fresh"));
  };
  for (int round = 0; round < 2; ++round) {
    for (const char* audience : {"public", "experts"}) check_same_as_fresh(audience);
  }
  replace_in_file(entry, "title:", "title: Changé —");
  for (const char* audience : {"public", "experts"}) check_same_as_fresh(audience);
  fs::remove(entry);  // a page that is no longer produced
  for (const char* audience : {"public", "experts"}) check_same_as_fresh(audience);
  EXPECT_FALSE(fs::exists(site / "build/out-public/portfolios/camille-rochat/prevention"));
}

// SIGINT and SIGTERM while Pagefind runs: Pagefind is stopped, the published
// site is untouched, no scratch folder is left, exit 128 + signal.
TEST_F(Output, InterruptedBuildsStopPagefindAndChangeNothing) {
  fs::path site = dir / "site";
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  auto before = snapshot(site / "public");
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "title:", "title: Changé —");
  fs::path pidfile = dir / "pagefind.pid";
  fs::path pagefind = fake_pagefind("echo $$ > '" + pidfile.string() + "'\nexec sleep 60");
  for (int sig : {SIGINT, SIGTERM}) {
    fs::remove(pidfile);
    pid_t pid = ::fork();
    if (pid == 0) {
      if (::chdir(site.c_str()) != 0) ::_exit(99);
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 2);
      ::execl(CARTABLE_BIN, "cartable", "build", "--pagefind", pagefind.c_str(), static_cast<char*>(nullptr));
      ::_exit(98);
    }
    for (int i = 0; i < 600 && read(pidfile).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::string child = read(pidfile);
    ASSERT_FALSE(child.empty()) << "Pagefind was never started";
    ::kill(pid, sig);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 128 + sig);
    // Pagefind is gone (or a zombie waiting for a reaper), not still indexing.
    pid_t pagefind_pid = std::stoi(child);
    bool alive = true;
    for (int i = 0; i < 100 && alive; ++i) {
      std::string stat = read("/proc/" + std::to_string(pagefind_pid) + "/stat");
      alive = !stat.empty() && stat.find(") Z") == std::string::npos;
      if (alive) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_FALSE(alive) << "Pagefind still runs after the build was interrupted";
    EXPECT_EQ(snapshot(site / "public"), before);
    EXPECT_FALSE(fs::exists(site / ".public.cartable/scratch"));
    EXPECT_EQ(fs::status(site / ".public.cartable").permissions() & fs::perms::all, fs::perms::owner_all);
  }
  // The next build picks up where the killed one left.
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  EXPECT_NE(read(site / "public/portfolios/camille-rochat/prevention/index.html").find("Changé"), std::string::npos);
  EXPECT_EQ(run_cartable(site, "build --no-search --no-cache --out " + (dir / "fresh").string()).status, 0);
  EXPECT_EQ(snapshot(site / "public"), snapshot(dir / "fresh"));
}

// Pagefind failing because the disk is full fails the build with the cause;
// the previous site stays.
TEST_F(Output, AFullDiskWhilePagefindRunsFailsTheBuild) {
  fs::path site = dir / "site";
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  auto before = snapshot(site / "public");
  fs::path pagefind = fake_pagefind(
      "echo 'Error: Failed to write fragment: No space left on device (os error 28)' >&2\nexit 1");
  RunResult r = run_cartable(site, "build --pagefind " + pagefind.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("error: the disk is full: Pagefind could not write the search index"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_EQ(snapshot(site / "public"), before);
  // Any other failure of Pagefind still publishes the site, without search.
  pagefind = fake_pagefind("echo 'Error: something else' >&2\nexit 1");
  r = run_cartable(site, "build --pagefind " + pagefind.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("Pagefind failed"), std::string::npos) << r.err;
}

// Staging folders of older versions killed half-way are removed.
TEST_F(Output, LeftoversOfKilledBuildsGo) {
  fs::path site = dir / "site";
  fs::create_directories(site / ".public.tmp-Ab12Cd/portfolios");
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  for (const std::string& name : beside_site()) EXPECT_EQ(name.find(".public.tmp-"), std::string::npos) << name;
}
