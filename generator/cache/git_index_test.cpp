// git's index as cartable reads it, against git itself: `git ls-files -s`
// names each file's blob, and git writes the index in each of its versions.
#include "cache/git_index.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/filesystem.h"

using namespace cartable;
namespace fs = std::filesystem;

namespace {

std::string run(const fs::path& cwd, const std::string& command) {
  std::string cmd = "cd '" + cwd.string() + "' && " + command + " 2>/dev/null";
  std::string out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

std::string hex(const GitBlobId& id) {
  std::string out;
  char two[3];
  for (uint8_t b : id) {
    std::snprintf(two, sizeof two, "%02x", b);
    out += two;
  }
  return out;
}

// A repository whose files were written an hour before git indexed them
// (none racily clean), committed.
struct Repo {
  fs::path dir;
  std::map<std::string, std::string> files = {
      {"site.yaml", "title: T\n"},
      {"portfolios/ana/e1.md", "---\ntitle: Une\n---\nTexte.\n"},
      {"portfolios/ana/e2.md", "---\ntitle: Deux\n---\nAutre texte.\n"},
      {"portfolios/bob/e1.md", "---\ntitle: Trois\n---\n"},
      // Deeper than most: 2,500 bytes of path.
      {"portfolios/bob/" + std::string(250, 'd') + "/" + std::string(250, 'e') + "/" + std::string(250, 'f') + "/" +
           std::string(250, 'g') + "/" + std::string(250, 'h') + "/" + std::string(250, 'i') + "/" +
           std::string(250, 'j') + "/" + std::string(250, 'k') + "/" + std::string(250, 'l') + ".md",
       "long\n"},
  };
  Repo() {
    dir = fs::temp_directory_path() /
          ("cartable-git-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    for (const auto& [path, text] : files) {
      fs::create_directories((dir / path).parent_path());
      std::ofstream(dir / path, std::ios::binary) << text;
      age(path);
    }
    git("init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm t");
  }
  ~Repo() { fs::remove_all(dir); }
  std::string git(const std::string& args) const { return run(dir, "git " + args); }
  void age(const std::string& path) const {
    struct timespec hour_ago[2];
    ::clock_gettime(CLOCK_REALTIME, &hour_ago[0]);
    hour_ago[0].tv_sec -= 3600;
    hour_ago[1] = hour_ago[0];
    ::utimensat(AT_FDCWD, (dir / path).c_str(), hour_ago, AT_SYMLINK_NOFOLLOW);
  }
  // Each file's blob as git names it.
  std::map<std::string, std::string> blobs() const {
    std::map<std::string, std::string> out;
    std::istringstream lines(git("ls-files -s"));
    for (std::string mode, blob, stage, path; lines >> mode >> blob >> stage && std::getline(lines >> std::ws, path);) {
      out[path] = blob;
    }
    return out;
  }
  // The blob cartable's reading of the index vouches for, "" if none.
  std::string vouched(const GitIndex& index, const std::string& path) const {
    struct stat st {};
    if (::lstat((dir / path).c_str(), &st) != 0) return "";
    const GitBlobId* blob = index.clean_blob(path, st);
    return blob ? hex(*blob) : "";
  }
  GitIndex index() const { return GitIndex::of_checkout(DiskFileSystem(dir.string())); }
};

}  // namespace

TEST(GitIndex, NamesEachCleanFilesBlobAsGitDoesInEachVersion) {
  Repo repo;
  ASSERT_EQ(repo.blobs().size(), repo.files.size()) << "git is needed";
  for (const char* version : {"2", "3", "4"}) {
    repo.git(std::string("update-index --index-version ") + version);
    GitIndex index = repo.index();
    EXPECT_EQ(index.size(), repo.files.size()) << "version " << version;
    for (const auto& [path, blob] : repo.blobs()) EXPECT_EQ(repo.vouched(index, path), blob) << path << " v" << version;
  }
}

TEST(GitIndex, VouchesForNoFileChangedSinceTheCheckout) {
  Repo repo;
  std::ofstream(repo.dir / "portfolios/ana/e1.md", std::ios::app) << "Ajout.\n";  // edited
  ::utimensat(AT_FDCWD, (repo.dir / "portfolios/ana/e2.md").c_str(), nullptr, 0);  // touched
  fs::remove(repo.dir / "portfolios/bob/e1.md");
  std::ofstream(repo.dir / "portfolios/bob/e1.md", std::ios::binary) << repo.files["portfolios/bob/e1.md"];
  repo.age("portfolios/bob/e1.md");  // the same bytes and times, another inode and ctime
  GitIndex index = repo.index();
  EXPECT_EQ(repo.vouched(index, "portfolios/ana/e1.md"), "");
  EXPECT_EQ(repo.vouched(index, "portfolios/ana/e2.md"), "");
  EXPECT_EQ(repo.vouched(index, "portfolios/bob/e1.md"), "");
  EXPECT_EQ(repo.vouched(index, "site.yaml"), repo.blobs()["site.yaml"]);
  EXPECT_EQ(repo.vouched(index, "untracked.md"), "");
}

// A file written in the same clock tick as the index may have changed
// after git looked at it: git calls it racily clean and looks again.
TEST(GitIndex, VouchesForNoRacilyCleanFile) {
  Repo repo;
  struct timespec later[2];
  ::clock_gettime(CLOCK_REALTIME, &later[0]);
  later[0].tv_sec += 3600;
  later[1] = later[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, (repo.dir / "site.yaml").c_str(), later, 0), 0);
  repo.git("update-index --refresh");
  EXPECT_EQ(repo.vouched(repo.index(), "site.yaml"), "");
  EXPECT_NE(repo.vouched(repo.index(), "portfolios/ana/e1.md"), "");
}

// Files git is told not to look at may hold anything.
TEST(GitIndex, VouchesForNoFileGitDoesNotLookAt) {
  Repo repo;
  repo.git("update-index --skip-worktree portfolios/ana/e1.md");
  repo.git("update-index --assume-unchanged portfolios/ana/e2.md");
  GitIndex index = repo.index();
  EXPECT_EQ(repo.vouched(index, "portfolios/ana/e1.md"), "");
  EXPECT_EQ(repo.vouched(index, "portfolios/ana/e2.md"), "");
  EXPECT_NE(repo.vouched(index, "portfolios/bob/e1.md"), "");
}

TEST(GitIndex, ReadsNoIndexItCannotTrustWhole) {
  {
    Repo repo;  // a split index keeps its entries in another file
    repo.git("update-index --split-index");
    ASSERT_TRUE(fs::exists(repo.dir / ".git/index"));
    EXPECT_TRUE(repo.index().empty());
  }
  {
    Repo repo;  // damaged: cut short
    std::string bytes;
    ASSERT_TRUE(DiskFileSystem(repo.dir.string()).read(".git/index", &bytes));
    ASSERT_FALSE(repo.index().empty());
    std::ofstream(repo.dir / ".git/index", std::ios::binary) << bytes.substr(0, bytes.size() - 30);
    EXPECT_TRUE(repo.index().empty());
    std::ofstream(repo.dir / ".git/index", std::ios::binary) << bytes.substr(0, 40);
    EXPECT_TRUE(repo.index().empty());
  }
  {
    Repo repo;  // a link is not followed
    fs::rename(repo.dir / ".git/index", repo.dir / "elsewhere");
    fs::create_symlink(repo.dir / "elsewhere", repo.dir / ".git/index");
    EXPECT_TRUE(repo.index().empty());
  }
}

TEST(GitIndex, ReadsNoSha256Repository) {
  Repo repo;
  fs::remove_all(repo.dir / ".git");
  repo.git("init -q --object-format=sha256 . && git add -A");
  if (!fs::exists(repo.dir / ".git/index")) GTEST_SKIP() << "this git has no SHA-256 repositories";
  EXPECT_TRUE(repo.index().empty());
}

// Any bytes: no crash, no read past the end (the sanitizers' build runs this).
TEST(GitIndex, SurvivesEveryTruncationAndFlippedByte) {
  Repo repo;
  std::string bytes;
  ASSERT_TRUE(DiskFileSystem(repo.dir.string()).read(".git/index", &bytes));
  struct timespec now {};
  GitIndex index;
  for (size_t n = 0; n < bytes.size(); ++n) index.parse(std::string_view(bytes).substr(0, n), now);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0xa5);
    index.parse(flipped, now);
  }
  EXPECT_TRUE(index.parse(bytes, now));
}
