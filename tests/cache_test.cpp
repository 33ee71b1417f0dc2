// The build cache and the in-place output against full builds: a random
// sequence of edits (entries, coauthors, crosswalks, visibility, sessions,
// modules, theme, site.yaml, new and deleted files, a touch that changes
// nothing, a broken source), each followed by a build that may reuse the
// previous one and by a `--no-cache` build into an empty folder. The two
// must hold the same bytes, every time, for both audiences; a check that
// keeps its cache must report what a check from scratch reports.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>

#include <chrono>
#include <cstdlib>
#include <random>
#include <sstream>
#include <thread>

#include "support.h"

using namespace cartable_test;

namespace {

struct Edit {
  const char* name;
  const char* file;
  const char* off;  // text while the edit is off; "" with `on` "": create/delete the file
  const char* on;
};

const Edit kEdits[] = {
    {"entry body", "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum interactif"},
    {"coauthors", "portfolios/camille-rochat/strategie-college.md", "coauthors:\n  - luca-ferrari\n",
     "coauthors:\n  - luca-ferrari\n  - ines-maillard\n"},
    {"crosswalk", "content/crosswalks/crcne-rc-num-so.yaml", "crcne/2: [rc-num-so/2.1, rc-num-so/2.2]",
     "crcne/2: [rc-num-so/2.1]"},
    {"visibility", "portfolios/camille-rochat/portfolio.yaml", "visibility: public", "visibility: experts"},
    {"draft", "portfolios/luca-ferrari/accompagner-changement.md", "competencies:", "draft: true\ncompetencies:"},
    {"session", "content/calendar.yaml", "start: 2026-11-07 13:00", "start: 2026-11-07 13:30"},
    {"module", "content/modules/m2.md", "title: Plan d'action numérique d'établissement et gestion de projets\n",
     "title: Plan d'action numérique et gestion de projets\n"},
    {"template", "themes/default/templates/entry.mustache", "<h1>{{title}}</h1>", "<h1 class=\"t\">{{title}}</h1>"},
    {"static", "themes/default/static/css/style.css", "", "/* edited */\n"},
    {"site.yaml", "site.yaml", "title: CAS Coordinatrice ou coordinateur numérique en établissement",
     "title: CAS Coordination numérique"},
    {"new entry", "portfolios/luca-ferrari/nouvelle-trace.md", "", ""},
    {"look-alike", "portfolios/camille-rochat/brouillon.md.txt", "", ""},
    {"portfolio", "portfolios/luca-ferrari/portfolio.yaml", "name: Luca Ferrari", "name: Luca Ferrari-Rossi"},
};

const char* kNewEntry =
    "---\ntitle: Une trace ajoutée\ndate: 2027-12-01\nmodule: m4\ntask: accompagnement\n"
    "competencies:\n  - rc-num-so/1.2\nstatus: submitted\n---\nUne trace ajoutée par le test.\n";

class Cache : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    copy_default_site(dir / "site");
  }
  void TearDown() override { fs::remove_all(dir); }

  void toggle(const Edit& e, bool on) {
    fs::path file = dir / "site" / e.file;
    if (std::string(e.off).empty() && std::string(e.on).empty()) {  // a new file in a portfolio's folder
      if (on) write(file, kNewEntry);
      else fs::remove(file);
    } else if (std::string(e.off).empty()) {
      std::string text = read(file);
      if (on) write(file, text + e.on);
      else write(file, text.substr(0, text.size() - std::string(e.on).size()));
    } else {
      replace_in_file(file, on ? e.off : e.on, on ? e.on : e.off);
    }
  }

  // A build into `out` reusing what it can, and a full one into an empty
  // folder: same status, same bytes.
  void compare(const std::string& audience, const std::string& step) {
    std::string args = "build --no-search --audience " + audience;
    RunResult cached = run_cartable(dir / "site", args + " --out " + (dir / ("out-" + audience)).string());
    fs::remove_all(dir / "full");
    fs::remove_all(dir / ".full.cartable");
    RunResult full = run_cartable(dir / "site", args + " --no-cache --out " + (dir / "full").string());
    ASSERT_EQ(cached.status, full.status) << step << "\n" << cached.err << full.err;
    // A check that keeps its cache (`check --cache`, the deploy hook's gate)
    // says what a check from scratch says, errors and warnings alike.
    std::string check = "check --audience " + audience;
    std::string cache = " --cache " + (dir / ("check-" + audience)).string();
    RunResult kept = run_cartable(dir / "site", check + cache);
    RunResult fresh = run_cartable(dir / "site", check);
    EXPECT_EQ(kept.status, fresh.status) << step << "\n" << kept.err << fresh.err;
    EXPECT_EQ(kept.err, fresh.err) << step;
    // And for editors (--format json), from the same cache.
    RunResult kept_json = run_cartable(dir / "site", check + cache + " --format json");
    RunResult fresh_json = run_cartable(dir / "site", check + " --format json");
    EXPECT_EQ(kept_json.status, fresh_json.status) << step;
    EXPECT_EQ(kept_json.out, fresh_json.out) << step;
    if (full.status != 0) return;
    // The same warnings, whether read again or taken from the records.
    auto warnings = [](const std::string& err) {
      std::string out, line;
      std::istringstream lines(err);
      while (std::getline(lines, line)) {
        if (line.rfind("cartable:", 0) != 0) out += line + "\n";
      }
      return out;
    };
    EXPECT_EQ(warnings(cached.err), warnings(full.err)) << step;
    auto got = snapshot(dir / ("out-" + audience)), want = snapshot(dir / "full");
    for (const auto& [path, bytes] : want) EXPECT_TRUE(got.count(path) && got[path] == bytes) << step << ": " << path;
    for (const auto& [path, bytes] : got) EXPECT_TRUE(want.count(path)) << step << ": stale " << path;
  }

  fs::path dir;
};

}  // namespace

TEST_F(Cache, RandomEditsGiveTheBytesOfAFullBuild) {
  unsigned seed = std::getenv("CARTABLE_TEST_SEED") ? std::atoi(std::getenv("CARTABLE_TEST_SEED")) : 20261107u;
  std::mt19937 rng(seed);
  std::vector<bool> on(std::size(kEdits), false);
  for (const char* audience : {"public", "experts"}) compare(audience, "first build");
  for (int step = 0; step < 20; ++step) {
    std::string what;
    int kind = static_cast<int>(rng() % (std::size(kEdits) + 3));
    if (kind < static_cast<int>(std::size(kEdits))) {
      on[kind] = !on[kind];
      toggle(kEdits[kind], on[kind]);
      what = std::string(kEdits[kind].name) + (on[kind] ? " on" : " off");
    } else if (kind == static_cast<int>(std::size(kEdits))) {
      // A touch: new mtime, same bytes.
      fs::path f = dir / "site/portfolios/ines-maillard/veille-histoire.md";
      write(f, read(f));
      what = "touch";
    } else if (kind == static_cast<int>(std::size(kEdits)) + 1) {
      what = "nothing";
    } else {
      // A broken source: both builds fail, the output stays; then repaired.
      fs::path f = dir / "site/content/modules/m3.md";
      replace_in_file(f, "periods: 28\n", "periods: 28\n  extra: 1\n");
      for (const char* audience : {"public", "experts"}) compare(audience, "broken");
      replace_in_file(f, "periods: 28\n  extra: 1\n", "periods: 28\n");
      what = "repaired";
    }
    SCOPED_TRACE("seed " + std::to_string(seed) + ", step " + std::to_string(step) + ": " + what);
    for (const char* audience : {"public", "experts"}) compare(audience, what);
    if (HasFailure()) return;
  }
}

// A build with nothing changed writes nothing, says so and shows the
// warnings of the build it stands for.
TEST_F(Cache, NothingChangedMeansNothingWritten) {
  fs::path site = dir / "site";
  RunResult first = run_cartable(site, "build --no-search");
  ASSERT_EQ(first.status, 0) << first.err;
  RunResult second = run_cartable(site, "build --no-search");
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.err.find("nothing changed since the last build"), std::string::npos) << second.err;
  auto warnings = [](const std::string& err) { return err.substr(0, err.rfind("cartable: ")); };
  EXPECT_EQ(warnings(second.err), warnings(first.err));
  EXPECT_NE(first.err.find("warning:"), std::string::npos);
  // Another audience, --no-cache or a replaced output folder: a real build.
  EXPECT_EQ(run_cartable(site, "build --no-search --no-cache").err.find("nothing changed"), std::string::npos);
  fs::rename(site / "public", dir / "elsewhere");
  fs::create_directories(site / "public");
  RunResult third = run_cartable(site, "build --no-search");
  EXPECT_EQ(third.err.find("nothing changed"), std::string::npos) << third.err;
  EXPECT_TRUE(fs::exists(site / "public/index.html"));
}

namespace {
// "cartable: 8 pages, ..." -> 8: the pages a build rendered.
int pages_rendered(const std::string& err) {
  size_t at = err.rfind("cartable: ");
  return at == std::string::npos ? -1 : std::atoi(err.c_str() + at + 10);
}
}  // namespace

// A new process renders only the pages that read what changed (the page log
// beside the output), and everything when what every page may show changed.
TEST_F(Cache, ANewBuildRendersOnlyWhatAnEditAffects) {
  fs::path site = dir / "site";
  RunResult first = run_cartable(site, "build --no-search");
  ASSERT_EQ(first.status, 0) << first.err;
  int all = pages_rendered(first.err);
  ASSERT_GT(all, 100);
  // The text of an entry: its page and its author's print view.
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum interactif");
  RunResult text = run_cartable(site, "build --no-search");
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_EQ(pages_rendered(text.err), 2) << text.err;
  EXPECT_NE(read(site / "public/portfolios/camille-rochat/prevention/index.html").find("théâtre forum interactif"),
            std::string::npos);
  // A template: every page.
  replace_in_file(site / "themes/default/templates/entry.mustache", "<h1>{{title}}</h1>", "<h1 class=\"t\">{{title}}</h1>");
  RunResult theme = run_cartable(site, "build --no-search");
  EXPECT_EQ(pages_rendered(theme.err), all) << theme.err;
  // --no-cache: every page.
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre forum interactif", "théâtre-forum");
  EXPECT_EQ(pages_rendered(run_cartable(site, "build --no-search --no-cache").err), all);
  // The page log gone: every page, and the next build may reuse again.
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum");
  fs::remove(site / ".public.cartable/pages");
  EXPECT_EQ(pages_rendered(run_cartable(site, "build --no-search").err), all);
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre forum", "théâtre-forum");
  EXPECT_EQ(pages_rendered(run_cartable(site, "build --no-search").err), 2);
  // A damaged page log: every page, never a page missed.
  fs::path log = site / ".public.cartable/pages";
  std::string bytes = read(log);
  ASSERT_GT(bytes.size(), 100u);
  bytes[bytes.size() / 2] ^= 1;
  std::ofstream(log, std::ios::binary | std::ios::trunc) << bytes;
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum");
  EXPECT_EQ(pages_rendered(run_cartable(site, "build --no-search").err), all);
}

// Entries whose file did not change are taken from the source record
// beside the output, not read again: their warnings are still reported,
// in the language of the build that shows them, and an edit to one is seen.
TEST_F(Cache, UnchangedEntriesComeFromTheRecordWithTheirWarnings) {
  fs::path site = dir / "site";
  fs::path entry = site / "portfolios/camille-rochat/prevention.md";
  replace_in_file(entry, "competencies:", "humeur: bonne\ncompetencies:");
  RunResult first = run_cartable(site, "build --no-search");
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.err.find("unknown key 'humeur' is ignored"), std::string::npos) << first.err;
  ASSERT_TRUE(fs::exists(site / ".public.cartable/entries"));
  // Another entry edited: this one is not read, its warning is shown, in French.
  replace_in_file(site / "portfolios/luca-ferrari/accompagner-changement.md", "competencies:", "draft: true\ncompetencies:");
  RunResult second = run_cartable(site, "build --no-search --lang fr");
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.err.find("humeur"), std::string::npos) << second.err;
  EXPECT_EQ(second.err.find("unknown key"), std::string::npos) << second.err;
  // This one edited (a new file in its place, as git writes it): read again.
  std::string text = read(entry);
  fs::remove(entry);
  write(entry, text.substr(0, text.find("humeur: bonne\n")) + text.substr(text.find("humeur: bonne\n") + 14));
  RunResult third = run_cartable(site, "build --no-search");
  ASSERT_EQ(third.status, 0) << third.err;
  EXPECT_EQ(third.err.find("humeur"), std::string::npos) << third.err;
  // A record that is not what cartable writes: a full build, same bytes.
  write(site / ".public.cartable/entries", "cartable-entries 1\nkey garbage\n\x05\x01");
  replace_in_file(entry, "théâtre-forum", "théâtre forum");
  RunResult fourth = run_cartable(site, "build --no-search");
  ASSERT_EQ(fourth.status, 0) << fourth.err;
  RunResult full = run_cartable(site, "build --no-search --no-cache --out " + (dir / "full").string());
  ASSERT_EQ(full.status, 0) << full.err;
  EXPECT_EQ(snapshot(site / "public"), snapshot(dir / "full"));
}

// The deploy hook always passes the feed subscribers have: a build given
// the same feed and the same sources does nothing; another feed is an input
// that changed, and the output is still a full build's.
TEST_F(Cache, ThePublishedFeedIsAnInput) {
  fs::path site = dir / "site";
  RunResult first = run_cartable(site, "build --no-search");
  ASSERT_EQ(first.status, 0) << first.err;
  fs::copy_file(site / "public/calendrier.ics", dir / "feed.ics");
  std::string args = "build --no-search --previous-ics " + (dir / "feed.ics").string();
  ASSERT_EQ(run_cartable(site, args).status, 0);
  RunResult same = run_cartable(site, args);
  EXPECT_NE(same.err.find("nothing changed since the last build"), std::string::npos) << same.err;
  replace_in_file(dir / "feed.ics", "BEGIN:VCALENDAR", "BEGIN:VCALENDAR\r\nX-EDITED:1");
  RunResult other = run_cartable(site, args);
  ASSERT_EQ(other.status, 0) << other.err;
  EXPECT_EQ(other.err.find("nothing changed"), std::string::npos) << other.err;
  RunResult full = run_cartable(site, args + " --no-cache --out " + (dir / "full").string());
  ASSERT_EQ(full.status, 0) << full.err;
  EXPECT_EQ(snapshot(site / "public"), snapshot(dir / "full"));
  // Sessions retitled in the feed, as if the sources had changed them
  // without a history entry: both builds fail, the site stays.
  auto before = snapshot(site / "public");
  replace_in_file(dir / "feed.ics", "SUMMARY:", "SUMMARY:Ancien ");
  RunResult retitled = run_cartable(site, args);
  EXPECT_NE(retitled.status, 0);
  EXPECT_NE(retitled.err.find("without a new history entry"), std::string::npos) << retitled.err;
  EXPECT_EQ(snapshot(site / "public"), before);
}

// `--no-cache` reads nothing a previous build left but leaves what the
// next build needs: after it, an edit renders only what it affects.
TEST_F(Cache, ANoCacheBuildLeavesARecordForTheNext) {
  fs::path site = dir / "site";
  ASSERT_EQ(run_cartable(site, "build --no-search --no-cache").status, 0);
  ASSERT_TRUE(fs::exists(site / ".public.cartable/pages"));
  ASSERT_TRUE(fs::exists(site / ".public.cartable/entries"));
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum interactif");
  RunResult next = run_cartable(site, "build --no-search");
  ASSERT_EQ(next.status, 0) << next.err;
  EXPECT_EQ(pages_rendered(next.err), 2) << next.err;
}

namespace {
// A CI run: a fresh checkout of the sources (new files, new times) and the
// output with its state folder restored from the CI cache as actions/cache
// restores them: tar (POSIX format), which keeps each file's modification
// time and the hard links the two trees share, in new folders and inodes.
void checkout_and_restore(const fs::path& from, const fs::path& to, bool sources = true) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from)) {
    std::string name = e.path().filename().string();
    bool cached = name == "public" || name == ".public.cartable";
    if (!cached && sources) fs::copy(e.path(), to / name, fs::copy_options::recursive);
  }
  std::string tar = "tar --posix -C '" + from.string() + "' -cf - public .public.cartable | tar -C '" + to.string() + "' -xf -";
  ASSERT_EQ(std::system(tar.c_str()), 0) << tar;
}
}  // namespace

// A published page changed in place after the build (by hand, by a deploy
// step, by a restore that stopped half-way) is not kept by the next build:
// its bytes are not the ones published, so the site is rendered again and
// is what a full build makes.
TEST_F(Cache, APublishedPageChangedSinceIsNotKept) {
  fs::path site = dir / "site";
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);  // the first: no idle copy, pages are linked from the live site
  fs::path page;
  for (const auto& e : fs::recursive_directory_iterator(site / "public/modules")) {
    if (e.path().filename() == "index.html") page = e.path();
  }
  ASSERT_FALSE(page.empty());
  std::ofstream(page, std::ios::app) << "<!-- changed after the build -->";
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum");
  ::setenv("CARTABLE_TRACE", "1", 1);
  RunResult next = run_cartable(site, "build --no-search");
  ::unsetenv("CARTABLE_TRACE");
  ASSERT_EQ(next.status, 0) << next.err;
  EXPECT_NE(next.err.find("rendered again"), std::string::npos) << next.err;
  RunResult full = run_cartable(site, "build --no-search --no-cache --out " + (dir / "full").string());
  ASSERT_EQ(full.status, 0) << full.err;
  EXPECT_EQ(snapshot(site / "public"), snapshot(dir / "full"));
  // The tree that held it is the idle copy now: the next build writes it right too.
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre forum", "théâtre-forum");
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  ASSERT_EQ(run_cartable(site, "build --no-search --no-cache --out " + (dir / "full2").string()).status, 0);
  EXPECT_EQ(snapshot(site / "public"), snapshot(dir / "full2"));
}

// A site restored from a CI cache whose live pages were changed after the
// build (a page shared by both trees, one inode): a build with nothing to
// do does not say it is up to date; it renders the site again.
TEST_F(Cache, ARestoredSiteChangedSinceIsNotUpToDate) {
  fs::path site = dir / "site";
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum");
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);  // the idle copy now exists too
  fs::rename(site, dir / "previous-run");
  checkout_and_restore(dir / "previous-run", site);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // as in the test above
  std::ofstream(site / "public/index.html", std::ios::app) << "<!-- changed after the build -->";
  RunResult ci = run_cartable(site, "build --no-search");
  ASSERT_EQ(ci.status, 0) << ci.err;
  RunResult full = run_cartable(site, "build --no-search --no-cache --out " + (dir / "full").string());
  ASSERT_EQ(full.status, 0) << full.err;
  EXPECT_EQ(snapshot(site / "public"), snapshot(dir / "full"));
}

// CI (docs/ci/) restores public/ and .public.cartable/ from its cache into a
// new checkout: the restored site is recognised and the build renders only
// what the push changed, with the bytes of a full build.
TEST_F(Cache, ASiteRestoredFromACICacheIsUpdatedInPlace) {
  fs::path site = dir / "site";
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum");
  RunResult second = run_cartable(site, "build --no-search");  // the idle copy now exists too
  ASSERT_EQ(second.status, 0) << second.err;
  fs::rename(site, dir / "previous-run");
  checkout_and_restore(dir / "previous-run", site);
  // A stamp less than a second old is never trusted (cache.h): a checkout
  // is older than that when its build starts.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre forum", "théâtre forum interactif");
  ::setenv("CARTABLE_TRACE", "1", 1);  // its laps say how many sources were read again
  RunResult ci = run_cartable(site, "build --no-search");
  ::unsetenv("CARTABLE_TRACE");
  ASSERT_EQ(ci.status, 0) << ci.err;
  EXPECT_EQ(pages_rendered(ci.err), 2) << ci.err;
  RunResult full = run_cartable(site, "build --no-search --no-cache --out " + (dir / "full").string());
  ASSERT_EQ(full.status, 0) << full.err;
  EXPECT_EQ(snapshot(site / "public"), snapshot(dir / "full"));
  // And the run after it, in the same checkout, too; the sources the CI run
  // read again to compare their bytes (their stamps were new) are not read
  // once more: only the file edited since.
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre forum interactif", "théâtre-forum");
  ::setenv("CARTABLE_TRACE", "1", 1);
  RunResult next = run_cartable(site, "build --no-search");
  ::unsetenv("CARTABLE_TRACE");
  EXPECT_EQ(pages_rendered(next.err), 2) << next.err;
  auto read_again = [](const std::string& err) {
    size_t at = err.find("previous inputs looked at (");
    return at == std::string::npos ? -1 : std::atoi(err.c_str() + at + 27);
  };
  EXPECT_GT(read_again(ci.err), 50) << ci.err;  // every source: all have new stamps
  EXPECT_EQ(read_again(next.err), 1) << next.err;
}

namespace {
int git(const fs::path& cwd, const std::string& args) {
  return std::system(("cd '" + cwd.string() + "' && git -c user.name=t -c user.email=t@t " + args + " >/dev/null 2>&1").c_str());
}
// The count the trace prints before `what` in its lap "previous inputs looked at (...)".
int looked_at(const std::string& err, const std::string& what) {
  size_t lap = err.find("previous inputs looked at (");
  size_t at = lap == std::string::npos ? lap : err.find(what, lap);
  if (at == std::string::npos) return -1;
  size_t start = err.find_last_of("(,", at);
  return std::atoi(err.c_str() + start + 1);
}
}  // namespace

// CI checks its sources out afresh in each run (actions/checkout, GitLab's
// clone): every file has a new inode and new times. git's index, written by
// that checkout, vouches for the files whose blob the last build read: they
// are not read again, and the output is still a full build's.
TEST_F(Cache, AFreshGitCheckoutIsNotReadAgain) {
  fs::path origin = dir / "site";
  ASSERT_EQ(git(origin, "init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm one"), 0);
  // A stamp less than a second old is never trusted (cache.h); a checkout
  // is older than that when its build starts. The files written in the
  // index's own clock tick are racily clean: git vouches for them once it
  // has looked at them again (`git status` here), else they are read.
  auto checkout = [&](const char* name) {
    ASSERT_EQ(git(dir, std::string("clone -q site ") + name), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    ASSERT_EQ(git(dir / name, "status --porcelain"), 0);
  };
  checkout("run1");
  RunResult first = run_cartable(dir / "run1", "build --no-search");
  ASSERT_EQ(first.status, 0) << first.err;
  replace_in_file(origin / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum");
  ASSERT_EQ(git(origin, "commit -qam two"), 0);
  checkout("run2");
  checkout_and_restore(dir / "run1", dir / "run2", /*sources=*/false);
  ::setenv("CARTABLE_TRACE", "1", 1);
  RunResult ci = run_cartable(dir / "run2", "build --no-search");
  ::unsetenv("CARTABLE_TRACE");
  ASSERT_EQ(ci.status, 0) << ci.err;
  EXPECT_EQ(pages_rendered(ci.err), 2) << ci.err;
  EXPECT_EQ(looked_at(ci.err, "files read again"), 1) << ci.err;  // the one the push changed
  EXPECT_GT(looked_at(ci.err, "vouched for by git"), 50) << ci.err;
  EXPECT_NE(ci.err.find("git index read"), std::string::npos) << ci.err;
  RunResult full = run_cartable(dir / "run2", "build --no-search --no-cache --out " + (dir / "full").string());
  ASSERT_EQ(full.status, 0) << full.err;
  EXPECT_EQ(snapshot(dir / "run2/public"), snapshot(dir / "full"));
  // The next build in that checkout: git's index, unchanged since the last
  // build, could vouch for nothing new and is not read. A commit rewrites it.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  replace_in_file(dir / "run2/portfolios/camille-rochat/prevention.md", "théâtre forum", "théâtre-forum");
  ::setenv("CARTABLE_TRACE", "1", 1);
  RunResult next = run_cartable(dir / "run2", "build --no-search");
  ASSERT_EQ(git(dir / "run2", "commit -qam three"), 0);
  RunResult after_commit = run_cartable(dir / "run2", "build --no-search");
  ::unsetenv("CARTABLE_TRACE");
  ASSERT_EQ(next.status, 0) << next.err;
  EXPECT_EQ(pages_rendered(next.err), 2) << next.err;
  EXPECT_EQ(next.err.find("git index read"), std::string::npos) << next.err;
  EXPECT_NE(after_commit.err.find("git index read"), std::string::npos) << after_commit.err;
}

// `check --cache`: the gate checks each push; at 500,000 entries a check
// from scratch took 50 s. With its cache it reads and renders only what
// changed, and still sees an error in what changed.
TEST_F(Cache, ACheckWithACacheReadsAndRendersOnlyWhatChanged) {
  fs::path site = dir / "site", cache = dir / "gate-cache";
  std::string check = "check --cache " + cache.string();
  ::setenv("CARTABLE_TRACE", "1", 1);  // its laps say what was reused
  RunResult first = run_cartable(site, check);
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum interactif");
  RunResult second = run_cartable(site, check);
  RunResult same = run_cartable(site, check);
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre forum interactif",
                  "théâtre [forum](module:m9)");
  RunResult broken = run_cartable(site, check);
  RunResult broken_fresh = run_cartable(site, "check");
  ::unsetenv("CARTABLE_TRACE");
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.err.find("rendering everything"), std::string::npos) << first.err;
  EXPECT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.err.find("entries unchanged since the last build not read"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("rendering what changed"), std::string::npos) << second.err;
  EXPECT_NE(same.err.find("inputs unchanged"), std::string::npos) << same.err;
  EXPECT_NE(broken.status, 0) << broken.err;
  EXPECT_NE(broken.err.find("prevention.md:"), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find("m9"), std::string::npos) << broken.err;
  EXPECT_EQ(broken.status, broken_fresh.status);
  // The cache is private: it holds every entry as parsed, drafts included.
  struct stat st {};
  ASSERT_EQ(::stat(cache.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

// The check's cache holds every entry as parsed, drafts and experts-only
// ones included: only a folder a check made is used, private, and never
// through a symbolic link. A build's state folder, the live site and the
// sources are refused, and their files left as they were.
TEST_F(Cache, ACheckKeepsItsCacheOnlyInAFolderOfItsOwn) {
  fs::path site = dir / "site";
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  std::string inputs = read(site / ".public.cartable/inputs");
  for (const char* other : {".public.cartable", "public", "portfolios/cache", "."}) {
    RunResult r = run_cartable(site, std::string("check --cache ") + other);
    EXPECT_NE(r.status, 0) << other << "\n" << r.err;
    EXPECT_NE(r.err.find("--cache"), std::string::npos) << r.err;
  }
  EXPECT_EQ(read(site / ".public.cartable/inputs"), inputs);
  EXPECT_FALSE(fs::exists(site / "public/inputs"));
  EXPECT_FALSE(fs::exists(site / "portfolios/cache"));
  EXPECT_EQ(fs::status(site / "public").permissions() & fs::perms::others_read, fs::perms::others_read);
  // A symbolic link, with or without a slash after it.
  fs::create_directories(dir / "elsewhere");
  fs::create_directory_symlink(dir / "elsewhere", dir / "link");
  for (const std::string& link : {(dir / "link").string(), (dir / "link").string() + "/"}) {
    RunResult r = run_cartable(site, "check --cache " + link);
    EXPECT_NE(r.status, 0) << link << "\n" << r.err;
  }
  EXPECT_TRUE(fs::is_empty(dir / "elsewhere"));
  // A hidden folder at the top of the site is the check's own once made.
  ASSERT_EQ(run_cartable(site, "check --cache .check.cartable").status, 0);
  fs::path cache = site / ".check.cartable";
  EXPECT_EQ(read(cache / "CACHEDIR.TAG").rfind("Signature: 8a477f597d28d172789f06886806bc55\n", 0), 0u);
  EXPECT_EQ(read(cache / ".gitignore"), "*\n");
  for (const char* f : {"inputs", "entries", "pages"}) {
    EXPECT_EQ(fs::status(cache / f).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write) << f;
  }
  // A link planted where the next record is written first is not written through.
  write(dir / "victim", "victim");
  fs::create_symlink(dir / "victim", cache / "inputs.tmp");
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum");
  EXPECT_EQ(run_cartable(site, "check --cache .check.cartable/").status, 0);
  EXPECT_EQ(read(dir / "victim"), "victim");
  EXPECT_FALSE(fs::is_symlink(cache / "inputs"));
}

// A typo in a template section that no page opens yet passes; the data
// edit that opens it renders only the pages it affects, and those are
// checked: a check or a build that reuses the previous run fails there,
// as one from scratch does.
TEST_F(Cache, ATemplateTypoReachedByADataEditFailsTheRunThatReachesIt) {
  fs::path site = dir / "site";
  replace_in_file(site / "themes/default/templates/session.mustache", "{{latest_move}}", "{{latest_mov}}");
  std::string check = "check --cache " + (dir / "gate-cache").string();
  ASSERT_EQ(run_cartable(site, check).status, 0);
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  // A session moved, with its history: its page now shows where it was.
  replace_in_file(site / "content/calendar.yaml",
                  "    start: 2026-11-07 09:00\n    end: 2026-11-07 12:00\n    place: sde\n",
                  "    start: 2026-11-07 09:30\n    end: 2026-11-07 12:00\n    place: sde\n"
                  "    history:\n      - date: 2026-10-01\n        note: Commence plus tard.\n"
                  "        from: {start: 2026-11-07 09:00, end: 2026-11-07 12:00, place: sde}\n");
  RunResult fresh = run_cartable(site, "check");
  RunResult kept = run_cartable(site, check);
  RunResult built = run_cartable(site, "build --no-search");
  for (const RunResult* r : {&fresh, &kept, &built}) {
    EXPECT_NE(r->status, 0) << r->err;
    EXPECT_NE(r->err.find("session.mustache:9:"), std::string::npos) << r->err;
    EXPECT_NE(r->err.find("latest_mov"), std::string::npos) << r->err;
  }
}
