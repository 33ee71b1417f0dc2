// The output folder on a real file system: atomic swaps, in-place updates
// that touch only what changed, and what a killed or failed build leaves.
#include "output/output.h"
#include "output/manifest.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
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
std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}
std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files[e.path().lexically_relative(dir).generic_string()] = slurp(e.path());
  }
  return files;
}
// One build: writes `files` and commits.
bool build(const fs::path& out, const std::map<std::string, std::string>& files, bool trust = true) {
  Diagnostics diags;
  auto staging = StagingDir::open(out.string(), {trust}, diags);
  bool ok = staging != nullptr;
  if (ok) {
    for (const auto& [path, text] : files) staging->write(path, text);
    ok = staging->commit(diags);
  }
  if (!ok) print_diagnostics(diags, std::cerr);
  return ok;
}
struct timespec mtime_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mtim;
}
bool same_time(struct timespec a, struct timespec b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; }
}  // namespace

// The build cache hashes a read's status line and the file's bytes as one
// text, without joining them: the same hash as the joined text, at any cut.
TEST(Output, AHashInTwoPartsIsTheHashOfTheWhole) {
  std::string text;
  for (int i = 0; i < 600; ++i) text += static_cast<char>('a' + i % 26);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{16}, size_t{240}, size_t{599}, size_t{600}}) {
    EXPECT_EQ(hash_content(text), hash_content(std::string_view(text).substr(0, cut), std::string_view(text).substr(cut)))
        << cut;
  }
  EXPECT_NE(hash_content("ab"), hash_content("a", "c"));
}

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
  // Beside the site, only the state folder, private to its owner.
  EXPECT_EQ(names_in(root), (std::vector<std::string>{".public.cartable", "public"}));
  EXPECT_EQ(fs::status(root / ".public.cartable").permissions() & fs::perms::all, fs::perms::owner_all);
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
  EXPECT_EQ(tree(root / "public"), (std::map<std::string, std::string>{{"index.html", "old"}}));
  EXPECT_EQ(names_in(root), (std::vector<std::string>{".public.cartable", "public"}));
  // The next build still gets every byte right from the half-updated copy.
  ASSERT_TRUE(build(root / "public", {{"index.html", "new"}, {"a.txt", "a"}}));
  EXPECT_EQ(tree(root / "public"), (std::map<std::string, std::string>{{"index.html", "new"}, {"a.txt", "a"}}));
  fs::remove_all(root);
}

TEST(Output, FirstBuildCreatesTheFolder) {
  fs::path root = fresh_dir("first");
  ASSERT_TRUE(build(root / "site", {{"a/b/c.txt", "x"}}));
  EXPECT_EQ(slurp(root / "site/a/b/c.txt"), "x");
  EXPECT_EQ(fs::status(root / "site").permissions() & fs::perms::all,
            fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                fs::perms::others_exec);
  fs::remove_all(root);
}

// Builds 1..4 alternate between two trees; from the third on, the idle tree
// is updated in place: files whose bytes did not change keep their inode and
// time stamp, gone files and the folders they leave empty are removed.
TEST(Output, RebuildsWriteOnlyWhatChanged) {
  fs::path root = fresh_dir("inplace");
  fs::path out = root / "public";
  std::map<std::string, std::string> v1 = {{"index.html", "home"}, {"a/index.html", "a1"}, {"b/x/index.html", "b"}};
  std::map<std::string, std::string> v2 = {{"index.html", "home"}, {"a/index.html", "a2"}, {"c/index.html", "c"}};
  ASSERT_TRUE(build(out, v1));
  ASSERT_TRUE(build(out, v1));
  EXPECT_EQ(tree(out), v1);
  // The idle tree now holds v1 too; the next build into it changes a/ and b/, adds c/.
  fs::path idle = root / ".public.cartable/idle";
  auto home_before = mtime_of(idle / "index.html");
  ino_t home_inode = fs::status(idle / "index.html").type() == fs::file_type::regular ? 0 : 1;
  struct stat st {};
  ::stat((idle / "index.html").c_str(), &st);
  home_inode = st.st_ino;
  ::usleep(20000);
  Diagnostics diags;
  auto staging = StagingDir::open(out.string(), diags);
  ASSERT_TRUE(staging);
  for (const auto& [path, text] : v2) staging->write(path, text);
  ASSERT_TRUE(staging->commit(diags));
  EXPECT_EQ(staging->files_written(), 2u);  // a/index.html, c/index.html
  EXPECT_EQ(staging->files_removed(), 1u);  // b/x/index.html
  staging.reset();
  EXPECT_EQ(tree(out), v2);
  EXPECT_FALSE(fs::exists(out / "b")) << "an emptied folder stays";
  ::stat((out / "index.html").c_str(), &st);
  EXPECT_EQ(st.st_ino, home_inode);
  EXPECT_TRUE(same_time(mtime_of(out / "index.html"), home_before)) << "an unchanged page was rewritten";
  // And the tree that was live is brought up to date in its turn.
  ASSERT_TRUE(build(out, v2));
  EXPECT_EQ(tree(out), v2);
  EXPECT_EQ(tree(idle), v2);
  fs::remove_all(root);
}

namespace {
// A rebuild that renders `rendered` and keeps every other page of the live
// site (build.cpp's keep_known), then commits, or only stages.
// `dropped`: a page no longer produced.
bool rebuild_keeping(const fs::path& out, const std::map<std::string, std::string>& rendered, bool commit = true,
                     const std::string& dropped = "") {
  Diagnostics diags;
  OutputFiles published;
  if (!published_manifest(out.string(), published)) return false;
  auto staging = StagingDir::open(out.string(), diags);
  if (!staging) return false;
  for (const auto& [path, text] : rendered) staging->write(path, text);
  staging->keep_known(std::move(published), staging->out_path(), [&](const std::string& path) { return path == dropped; });
  bool ok = commit ? staging->commit(diags) : staging->stage(diags);
  if (!ok) print_diagnostics(diags, std::cerr);
  return ok;
}
nlink_t links_of(const fs::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st.st_nlink;
}
}  // namespace

// The pages a rebuild keeps are hard links to the live site's: the first
// rebuild after a fresh build copies nothing. Writing into the idle copy
// never goes through such a link, so the live site never changes under its
// readers; a live file changed by hand is copied, not linked.
TEST(Output, KeptPagesAreLinksThatAreNeverWrittenThrough) {
  fs::path root = fresh_dir("links");
  fs::path out = root / "public";
  std::map<std::string, std::string> v1 = {{"index.html", "home"}, {"a/index.html", "a1"}, {"b/index.html", "b1"}};
  ASSERT_TRUE(build(out, v1));  // fresh: no idle copy yet
  ASSERT_TRUE(rebuild_keeping(out, {{"a/index.html", "a2"}}));
  std::map<std::string, std::string> v2 = {{"index.html", "home"}, {"a/index.html", "a2"}, {"b/index.html", "b1"}};
  fs::path idle = root / ".public.cartable/idle";
  EXPECT_EQ(tree(out), v2);
  EXPECT_EQ(tree(idle), v1);
  EXPECT_EQ(links_of(out / "index.html"), 2u);
  EXPECT_EQ(fs::equivalent(out / "b/index.html", idle / "b/index.html"), true);
  EXPECT_EQ(links_of(out / "a/index.html"), 1u);

  // b/ changes in a staged build: the live b/ (the same file as the idle
  // copy's until now) keeps its bytes, and so does home.
  ASSERT_TRUE(rebuild_keeping(out, {{"b/index.html", "b2"}}, /*commit=*/false));
  EXPECT_EQ(tree(out), v2);
  EXPECT_EQ(slurp(idle / "b/index.html"), "b2");
  EXPECT_EQ(links_of(out / "b/index.html"), 1u);
  EXPECT_EQ(links_of(out / "index.html"), 2u);
  Diagnostics diags;
  ASSERT_TRUE(publish_staged({out.string()}, diags));
  std::map<std::string, std::string> v3 = {{"index.html", "home"}, {"a/index.html", "a2"}, {"b/index.html", "b2"}};
  EXPECT_EQ(tree(out), v3);

  // A --no-cache build looks at every file's size and time: a page edited
  // by hand in the live site (and so in the idle copy that shares it) is
  // written again, without writing through the live one.
  std::ofstream(out / "index.html") << "edited by hand";
  ASSERT_TRUE(build(out, v3, /*trust=*/false));
  EXPECT_EQ(tree(out), v3);
  EXPECT_EQ(tree(idle), (std::map<std::string, std::string>{{"index.html", "edited by hand"}, {"a/index.html", "a2"}, {"b/index.html", "b2"}}));
  ASSERT_TRUE(build(out, v3, /*trust=*/false));
  EXPECT_EQ(tree(idle), v3);

  // A first rebuild after a fresh build links what is as published; a page
  // changed by hand since is not kept but listed, for the build to render
  // it again. The tree that held it is looked at file by file when it is
  // the idle copy in its turn: the next build writes that page again too.
  fs::remove_all(idle);
  std::ofstream(out / "a/index.html") << "a edited";
  {
    OutputFiles published;
    ASSERT_TRUE(published_manifest(out.string(), published));
    auto staging = StagingDir::open(out.string(), diags);
    ASSERT_TRUE(staging);
    staging->keep_known(std::move(published), staging->out_path(), [](const std::string&) { return false; });
    EXPECT_EQ(staging->damaged(), std::vector<std::string>{"a/index.html"});
    staging->write("a/index.html", "a2");  // what build.cpp's second rendering writes
    ASSERT_TRUE(staging->commit(diags));
  }
  EXPECT_EQ(tree(out), v3);
  EXPECT_EQ(links_of(out / "a/index.html"), 1u);
  EXPECT_EQ(links_of(out / "b/index.html"), 2u);
  ASSERT_TRUE(build(out, v3));
  EXPECT_EQ(tree(out), v3);
  EXPECT_EQ(tree(idle), v3);
  fs::remove_all(root);
}

// Without trusting the manifest (--no-cache) each file of the idle tree is
// looked at: one changed since (other size or time) is written again, files
// and folders put there by others go, at any depth. Without a manifest (a
// copy killed half-way) the tree is compared byte by byte: same result.
TEST(Output, UntrustedCopyIsCheckedFileByFile) {
  for (bool manifest : {true, false}) {
    fs::path root = fresh_dir(manifest ? "untrusted" : "no-manifest");
    fs::path out = root / "public";
    std::map<std::string, std::string> v1 = {{"index.html", "home"}, {"p/index.html", "p1"}, {"p/r/index.html", "r"}};
    ASSERT_TRUE(build(out, v1));
    ASSERT_TRUE(build(out, v1));
    fs::path idle = root / ".public.cartable/idle";
    if (!manifest) {
      for (const auto& e : fs::directory_iterator(root / ".public.cartable")) {
        if (e.path().filename().string().rfind("manifest-", 0) == 0) fs::remove(e.path());
      }
    }
    std::ofstream(idle / "p/index.html") << "p2";  // same size, another time
    std::ofstream(idle / "p/r/stray.html") << "stray";
    std::ofstream(idle / "stray.html") << "stray";
    fs::create_directories(idle / "index.html.d/deeper");
    fs::remove(idle / "p/r/index.html");
    std::map<std::string, std::string> v2 = {{"index.html", "home"}, {"p/index.html", "p1"}, {"p/r/index.html", "r"}, {"p/q", "file"}};
    ASSERT_TRUE(build(out, v2, /*trust=*/false));
    EXPECT_EQ(tree(out), v2) << "manifest " << manifest;
    EXPECT_FALSE(fs::exists(out / "index.html.d"));
    fs::remove_all(root);
  }
}

// What a CI cache does to the site and its state folder: actions/cache
// runs tar (POSIX format: times to the nanosecond; `whole_seconds`: GNU
// tar's default format keeps seconds), which keeps the hard links the two
// trees share; new folders, new inodes.
void restore_as_a_cache_would(const fs::path& from, const fs::path& to, bool whole_seconds = false) {
  fs::create_directories(to);
  std::string format = whole_seconds ? "--format=gnu" : "--posix";
  std::string command = "tar " + format + " -C '" + from.string() + "' -cf - public .public.cartable | tar -C '" +
                        to.string() + "' -xf -";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// The live site and the idle copy restored from a CI cache are recognised
// by their files' sizes and times: the next build writes only what changed
// instead of comparing every byte, and the site is what it must be. A file
// changed after the build (same size, another time) makes its tree a
// stranger: compared byte by byte, still right.
TEST(Output, ATreeRestoredFromACacheIsUpdatedInPlace) {
  fs::path root = fresh_dir("restored");
  std::map<std::string, std::string> v1 = {{"index.html", "home"}, {"a/index.html", "a1"}, {"b/index.html", "b1"}};
  std::map<std::string, std::string> v2 = {{"index.html", "home"}, {"a/index.html", "a2"}, {"b/index.html", "b1"}};
  ASSERT_TRUE(build(root / "built/public", v1));
  ASSERT_TRUE(build(root / "built/public", v1));
  std::string published = published_fingerprint((root / "built/public").string());
  for (bool whole_seconds : {false, true}) {
    fs::path site = root / (whole_seconds ? "tar" : "pax");
    restore_as_a_cache_would(root / "built", site, whole_seconds);
    fs::path out = site / "public";
    EXPECT_EQ(published_fingerprint(out.string()), "") << "named after the old inodes";
    EXPECT_EQ(adopt_restored_trees(out.string()), 2);
    EXPECT_EQ(published_fingerprint(out.string()), published);
    EXPECT_EQ(adopt_restored_trees(out.string()), 0) << "nothing left to recognise";
    Diagnostics diags;
    auto staging = StagingDir::open(out.string(), diags);
    ASSERT_TRUE(staging);
    for (const auto& [path, text] : v2) staging->write(path, text);
    ASSERT_TRUE(staging->commit(diags));
    EXPECT_EQ(staging->files_written(), 1u) << "whole_seconds " << whole_seconds;
    staging.reset();
    EXPECT_EQ(tree(out), v2);
  }
  // Changed after the build: same size, another time.
  fs::path site = root / "changed";
  restore_as_a_cache_would(root / "built", site);
  fs::path out = site / "public", idle = site / ".public.cartable/idle";
  std::ofstream(idle / "b/index.html") << "XX";
  EXPECT_EQ(adopt_restored_trees(out.string()), 1) << "only the live tree is still as recorded";
  Diagnostics diags;
  auto staging = StagingDir::open(out.string(), diags);
  ASSERT_TRUE(staging);
  for (const auto& [path, text] : v2) staging->write(path, text);
  ASSERT_TRUE(staging->commit(diags));
  EXPECT_EQ(staging->files_written(), 2u) << "the stranger's files are compared by their bytes";
  staging.reset();
  EXPECT_EQ(tree(out), v2);
  fs::remove_all(root);
}

// The live site and the idle copy share every file the last two builds did
// not change (links, one stamp). A restored tree is told from the other by
// where they differ, even when the last build only removed a file, which
// the newest files cannot show, and whichever is recognised first. The
// files they share are looked at before a build writes into the tree: one
// changed after the restore is written again, the others are kept.
TEST(Output, ARestoredTreeIsToldFromTheOtherByWhereTheyDiffer) {
  fs::path root = fresh_dir("told-apart");
  fs::path built = root / "built/public";
  ASSERT_TRUE(build(built, {{"old/index.html", "old"}, {"deep/index.html", "deep"}}));
  ::usleep(20000);  // every page below is newer than these two
  std::map<std::string, std::string> pages;
  for (int i = 0; i < 300; ++i) pages["p" + std::to_string(i) + "/index.html"] = "page " + std::to_string(i);
  ASSERT_TRUE(rebuild_keeping(built, pages));  // a second tree: pages written, the two linked
  ASSERT_TRUE(rebuild_keeping(built, {}, true, "old/index.html"));  // the first tree: nothing written, one removed
  std::string published = published_fingerprint(built.string());
  ASSERT_NE(published, "");
  for (RestoredTree first : {RestoredTree::Live, RestoredTree::Idle}) {
    bool live_first = first == RestoredTree::Live;
    fs::path restored = root / (live_first ? "live-first" : "idle-first");
    restore_as_a_cache_would(root / "built", restored);
    fs::path out = restored / "public", idle = restored / ".public.cartable/idle";
    fs::remove(idle / "deep/index.html");  // a file of its own: the live site keeps the link
    std::ofstream(idle / "deep/index.html") << "changed after the build";
    int adopted = adopt_restored_tree(out.string(), first);
    adopted += adopt_restored_tree(out.string(), live_first ? RestoredTree::Idle : RestoredTree::Live);
    EXPECT_EQ(adopted, 2) << live_first;
    EXPECT_EQ(published_fingerprint(out.string()), published) << "the live site got the idle copy's manifest";
    std::string live_mark = restored / ".public.cartable" / (std::string(kUncheckedMark) + tree_identity(out.string()));
    EXPECT_TRUE(fs::exists(live_mark));
    ASSERT_TRUE(rebuild_keeping(out, {{"p0/index.html", "page 0, again"}}));
    std::map<std::string, std::string> now = pages;
    now["deep/index.html"] = "deep";
    now["p0/index.html"] = "page 0, again";
    EXPECT_EQ(tree(out), now) << "a file of the idle copy changed by hand was kept";
    // The tree live at the restore is the idle copy now, still unchecked:
    // the next build into it looks at its files too.
    EXPECT_TRUE(fs::exists(live_mark));
    fs::remove(idle / "deep/index.html");  // not written through: the live site may share it
    std::ofstream(idle / "deep/index.html") << "changed too";
    ASSERT_TRUE(rebuild_keeping(out, {{"p1/index.html", "page 1, again"}}));
    now["p1/index.html"] = "page 1, again";
    EXPECT_EQ(tree(out), now);
    EXPECT_FALSE(fs::exists(live_mark)) << "its files were all looked at";
    EXPECT_EQ(std::distance(fs::directory_iterator(restored / ".public.cartable"), fs::directory_iterator()),
              std::distance(fs::directory_iterator(root / "built/.public.cartable"), fs::directory_iterator()))
        << "a mark left behind";
  }
  fs::remove_all(root);
}

// A file both restored trees share (one inode) changed in place after the
// build: the idle copy's check finds it, the live site's bytes are not the
// ones published either, so it is not kept but listed for the build to
// render again. And before a build says a restored site is up to date,
// the live site's every file is looked at: changed, its manifest goes.
TEST(Output, AFileChangedInBothRestoredTreesIsMadeAgain) {
  fs::path root = fresh_dir("changed-in-both");
  fs::path built = root / "built/public";
  ASSERT_TRUE(build(built, {{"shared/index.html", "shared"}}));
  ::usleep(20000);  // the pages below are newer: shared/ is not among the 256 newest
  std::map<std::string, std::string> pages;
  for (int i = 0; i < 300; ++i) pages["p" + std::to_string(i) + "/index.html"] = "page " + std::to_string(i);
  ASSERT_TRUE(rebuild_keeping(built, pages));  // the second tree links shared/
  ASSERT_TRUE(rebuild_keeping(built, {{"a/index.html", "a3"}}));
  std::string published = published_fingerprint(built.string());
  {
    fs::path restored = root / "intact";
    restore_as_a_cache_would(root / "built", restored);
    fs::path out = restored / "public";
    EXPECT_EQ(adopt_restored_trees(out.string()), 2);
    EXPECT_TRUE(check_adopted_live_tree(out.string()));
    EXPECT_EQ(published_fingerprint(out.string()), published);
    EXPECT_TRUE(check_adopted_live_tree(out.string())) << "looked at once, then trusted";
  }
  fs::path restored = root / "changed";
  restore_as_a_cache_would(root / "built", restored);
  fs::path out = restored / "public";
  ASSERT_EQ(links_of(out / "shared/index.html"), 2u) << "tar keeps the link between the trees";
  std::ofstream(out / "shared/index.html") << "tampered";  // through the link: both trees
  EXPECT_EQ(adopt_restored_trees(out.string()), 2) << "the file is not one that tells them apart";
  {
    Diagnostics diags;
    OutputFiles kept;
    ASSERT_TRUE(published_manifest(out.string(), kept));
    auto staging = StagingDir::open(out.string(), diags);
    ASSERT_TRUE(staging);
    staging->write("a/index.html", "a4");
    staging->keep_known(std::move(kept), staging->out_path(), [](const std::string&) { return false; });
    EXPECT_EQ(staging->damaged(), std::vector<std::string>{"shared/index.html"});
    staging->write("shared/index.html", "shared");  // what build.cpp's second rendering writes
    ASSERT_TRUE(staging->commit(diags));
  }
  pages["shared/index.html"] = "shared";
  pages["a/index.html"] = "a4";
  EXPECT_EQ(tree(out), pages);
  // The same restore, and a build with nothing to do.
  fs::path again = root / "up-to-date";
  restore_as_a_cache_would(root / "built", again);
  std::ofstream(again / "public/shared/index.html") << "tampered";
  EXPECT_EQ(adopt_restored_trees((again / "public").string()), 2);
  EXPECT_FALSE(check_adopted_live_tree((again / "public").string()));
  EXPECT_EQ(published_fingerprint((again / "public").string()), "") << "its manifest is forgotten: a full build";
  fs::remove_all(root);
}

// A page that becomes a folder, and a folder that becomes a page.
TEST(Output, FilesAndFoldersTradePlaces) {
  fs::path root = fresh_dir("shapes");
  fs::path out = root / "public";
  std::map<std::string, std::string> v1 = {{"a", "file a"}, {"b/c", "c"}};
  std::map<std::string, std::string> v2 = {{"a/x", "x"}, {"b", "file b"}};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(build(out, v1));
    EXPECT_EQ(tree(out), v1);
    ASSERT_TRUE(build(out, v2));
    EXPECT_EQ(tree(out), v2);
  }
  fs::remove_all(root);
}

// A reader that holds the site's folder open sees one version whole: the
// swap replaces the folder, it never changes the files under the reader.
TEST(Output, AReaderSeesTheOldSiteOrTheNewNeverAMix) {
  fs::path root = fresh_dir("reader");
  fs::path out = root / "public";
  auto version = [](const std::string& v) {
    return std::map<std::string, std::string>{{"index.html", v}, {"a/index.html", v}, {"b/index.html", v}};
  };
  ASSERT_TRUE(build(out, version("1")));
  ASSERT_TRUE(build(out, version("2")));
  int held = ::open(out.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(held, 0);
  Diagnostics diags;
  auto staging = StagingDir::open(out.string(), diags);
  for (const auto& [path, text] : version("3")) {
    staging->write(path, text);
    EXPECT_EQ(tree(out), version("2"));  // in the middle of a build: the old site
  }
  ASSERT_TRUE(staging->commit(diags));
  EXPECT_EQ(tree(out), version("3"));
  for (const char* page : {"index.html", "a/index.html", "b/index.html"}) {
    int fd = ::openat(held, page, O_RDONLY);
    char c = 0;
    ASSERT_EQ(::read(fd, &c, 1), 1);
    EXPECT_EQ(c, '2') << page;
    ::close(fd);
  }
  ::close(held);
  fs::remove_all(root);
}

TEST(Output, LeftoversOfKilledBuildsAreRemoved) {
  fs::path root = fresh_dir("leftovers");
  fs::create_directories(root / ".public.tmp-abc123/modules");
  fs::create_directories(root / ".publicity.tmp-keep");  // not ours
  fs::create_directories(root / ".public.cartable/scratch/pagefind");
  ASSERT_TRUE(build(root / "public", {{"index.html", "x"}}));
  EXPECT_EQ(names_in(root), (std::vector<std::string>{".public.cartable", ".publicity.tmp-keep", "public"}));
  EXPECT_FALSE(fs::exists(root / ".public.cartable/scratch"));
  fs::remove_all(root);
}

TEST(Output, TwoBuildsCannotWriteTheSameFolderAtOnce) {
  fs::path root = fresh_dir("lock");
  Diagnostics first_diags, second_diags;
  auto first = StagingDir::open((root / "public").string(), first_diags);
  ASSERT_TRUE(first);
  EXPECT_FALSE(StagingDir::open((root / "public").string(), second_diags));
  EXPECT_TRUE(second_diags.has_errors());
  first.reset();
  EXPECT_TRUE(build(root / "public", {{"index.html", "x"}}));
  fs::remove_all(root);
}

TEST(Output, ASymlinkedOutputIsUpdatedThroughItsTarget) {
  fs::path root = fresh_dir("symlink");
  fs::create_directories(root / "real");
  fs::create_directory_symlink("real", root / "link");
  ASSERT_TRUE(build(root / "link", {{"index.html", "1"}}));
  ASSERT_TRUE(build(root / "link", {{"index.html", "2"}}));
  EXPECT_TRUE(fs::is_symlink(root / "link"));
  EXPECT_EQ(slurp(root / "real/index.html"), "2");
  fs::remove_all(root);
}

// Files someone put at the top of the published site, and folders they
// made there, are gone after the builds that bring that tree back, although
// its manifest never listed them. A file put deeper stays until a build
// that does not trust the manifests: looking into every folder of a large
// site costs more than the rebuild.
TEST(Output, FilesPutIntoTheSiteByOthersAreRemoved) {
  fs::path root = fresh_dir("strays");
  fs::path out = root / "public";
  std::map<std::string, std::string> v1 = {{"index.html", "home"}, {"a/index.html", "a"}};
  ASSERT_TRUE(build(out, v1));
  ASSERT_TRUE(build(out, v1));
  std::string published = published_fingerprint(out.string());
  EXPECT_FALSE(published.empty());
  std::ofstream(out / "a/stray.html") << "stray";
  EXPECT_EQ(published_fingerprint(out.string()), published);  // deeper: not seen without a build
  std::ofstream(out / "stray.html") << "stray";
  fs::create_directories(out / "b/c");
  std::ofstream(out / "b/c/stray.html") << "stray";
  EXPECT_NE(published_fingerprint(out.string()), published);
  ASSERT_TRUE(build(out, v1));
  ASSERT_TRUE(build(out, v1));  // into the tree that holds the strays
  std::map<std::string, std::string> deeper = v1;
  deeper["a/stray.html"] = "stray";
  EXPECT_EQ(tree(out), deeper);
  ASSERT_TRUE(build(out, v1, /*trust=*/false));
  ASSERT_TRUE(build(out, v1, /*trust=*/false));
  EXPECT_EQ(tree(out), v1);
  EXPECT_FALSE(fs::exists(out / "b"));
  fs::remove_all(root);
}

namespace {
// One build that stops short of the swap (`build --stage`).
bool stage(const fs::path& out, const std::map<std::string, std::string>& files) {
  Diagnostics diags;
  auto staging = StagingDir::open(out.string(), diags);
  bool ok = staging != nullptr;
  if (ok) {
    for (const auto& [path, text] : files) staging->write(path, text);
    ok = staging->stage(diags);
  }
  if (!ok) print_diagnostics(diags, std::cerr);
  return ok;
}
}  // namespace

// The deploy hook's two audiences: staged, then published together.
TEST(Output, StagedSitesArePublishedTogether) {
  fs::path dir = fresh_dir("staged");
  fs::path pub = dir / "public", experts = dir / "experts";
  ASSERT_TRUE(build(pub, {{"index.html", "public 1"}}));
  ASSERT_TRUE(build(experts, {{"index.html", "experts 1"}}));
  ASSERT_TRUE(stage(pub, {{"index.html", "public 2"}}));
  ASSERT_TRUE(stage(experts, {{"index.html", "experts 2"}}));
  EXPECT_EQ(slurp(pub / "index.html"), "public 1");  // staging leaves the live sites alone
  EXPECT_EQ(slurp(experts / "index.html"), "experts 1");
  Diagnostics diags;
  ASSERT_TRUE(publish_staged({pub.string(), experts.string()}, diags));
  EXPECT_EQ(slurp(pub / "index.html"), "public 2");
  EXPECT_EQ(slurp(experts / "index.html"), "experts 2");
  // Published once: a second publish, with nothing staged, fails and changes nothing.
  Diagnostics again;
  EXPECT_FALSE(publish_staged({pub.string(), experts.string()}, again));
  EXPECT_EQ(slurp(pub / "index.html"), "public 2");
  EXPECT_EQ(slurp(experts / "index.html"), "experts 2");
  // A site whose build had nothing to do is left as it is; the other is published.
  ASSERT_TRUE(stage(pub, {{"index.html", "public 3"}}));
  stage_unchanged(experts.string());
  ASSERT_TRUE(publish_staged({pub.string(), experts.string()}, again));
  EXPECT_EQ(slurp(pub / "index.html"), "public 3");
  EXPECT_EQ(slurp(experts / "index.html"), "experts 2");
  fs::remove_all(dir);
}

TEST(Output, AnIncompleteStagedSitePublishesNeither) {
  fs::path dir = fresh_dir("staged-half");
  fs::path pub = dir / "public", experts = dir / "experts";
  ASSERT_TRUE(build(pub, {{"index.html", "public 1"}}));
  ASSERT_TRUE(build(experts, {{"index.html", "experts 1"}}));
  ASSERT_TRUE(stage(pub, {{"index.html", "public 2"}}));
  ASSERT_TRUE(stage(experts, {{"index.html", "experts 2"}}));
  // The experts' build starts again and is killed: its idle copy is no longer what was staged.
  {
    Diagnostics diags;
    auto again = StagingDir::open(experts.string(), diags);
    ASSERT_NE(again, nullptr);
    again->write("index.html", "experts 3, half-written");
  }
  Diagnostics diags;
  EXPECT_FALSE(publish_staged({pub.string(), experts.string()}, diags));
  EXPECT_EQ(slurp(pub / "index.html"), "public 1");
  EXPECT_EQ(slurp(experts / "index.html"), "experts 1");
  fs::remove_all(dir);
}
