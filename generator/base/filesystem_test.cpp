#include "base/filesystem.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace cartable;
namespace fs = std::filesystem;

namespace {

// A real folder with links in it, removed at the end of the test.
struct TempTree {
  fs::path dir;
  fs::path outside;
  TempTree() {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir = fs::temp_directory_path() / ("cartable-fs-" + std::to_string(::getpid()) + "-" + name);
    outside = fs::temp_directory_path() / ("cartable-fs-outside-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir);
    fs::remove_all(outside);
    fs::create_directories(dir / "content/modules");
    fs::create_directories(outside);
    write(dir / "site.yaml", "title: T\n");
    write(dir / "content/modules/m1.md", "---\ntitle: M1\n---\n");
    write(outside / "secret.md", "secret");
  }
  ~TempTree() {
    fs::remove_all(dir);
    fs::remove_all(outside);
  }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
};

}  // namespace

TEST(RelativePath, RefusesWhatWouldLeaveTheRoot) {
  std::vector<std::string> parts;
  EXPECT_TRUE(split_relative_path("a/b/c.md", &parts));
  EXPECT_EQ(parts, (std::vector<std::string>{"a", "b", "c.md"}));
  EXPECT_TRUE(split_relative_path("./a", &parts));
  EXPECT_EQ(parts, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(split_relative_path("", &parts));
  EXPECT_TRUE(parts.empty());
  EXPECT_FALSE(split_relative_path("/etc/passwd", &parts));
  EXPECT_FALSE(split_relative_path("../x", &parts));
  EXPECT_FALSE(split_relative_path("a/../../x", &parts));
  EXPECT_FALSE(split_relative_path("a//b", &parts));
  EXPECT_FALSE(split_relative_path("a/", &parts));
  EXPECT_FALSE(split_relative_path(std::string("a\0b", 3), &parts));
}

TEST(DiskFileSystem, ReadsListsAndStatsInsideTheRoot) {
  TempTree t;
  DiskFileSystem files(t.dir.string());
  ASSERT_TRUE(files.root_ok());
  std::string text;
  ASSERT_TRUE(files.read("content/modules/m1.md", &text));
  EXPECT_EQ(text, "---\ntitle: M1\n---\n");
  std::vector<FolderEntry> entries;
  ASSERT_TRUE(files.list("", &entries));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "content");
  EXPECT_EQ(entries[0].kind, FileKind::Folder);
  EXPECT_EQ(entries[1].name, "site.yaml");
  EXPECT_EQ(entries[1].kind, FileKind::File);
  FileInfo info;
  ASSERT_TRUE(files.stat("site.yaml", &info));
  EXPECT_EQ(info.size, 9u);
  EXPECT_TRUE(files.is_folder("content/modules"));
  EXPECT_EQ(files.stat("content/nope.md", &info).status, FileStatus::Missing);
  EXPECT_EQ(files.read("nope/x.md", &text).status, FileStatus::Missing);
}

TEST(DiskFileSystem, RefusesASymlinkedFile) {
  TempTree t;
  fs::create_symlink(t.outside / "secret.md", t.dir / "content/entry.md");
  DiskFileSystem files(t.dir.string());
  std::string text;
  FileResult r = files.read("content/entry.md", &text);
  EXPECT_EQ(r.status, FileStatus::Link);
  EXPECT_EQ(r.at, "content/entry.md");
  EXPECT_TRUE(text.empty());
  FileInfo info;
  EXPECT_EQ(files.stat("content/entry.md", &info).status, FileStatus::Link);
  std::vector<FolderEntry> entries;
  ASSERT_TRUE(files.list("content", &entries));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "entry.md");
  EXPECT_EQ(entries[0].kind, FileKind::Link);
}

TEST(DiskFileSystem, RefusesASymlinkedFolderOnTheWay) {
  TempTree t;
  fs::create_directory_symlink(t.outside, t.dir / "content/linked");
  DiskFileSystem files(t.dir.string());
  std::string text;
  FileResult r = files.read("content/linked/secret.md", &text);
  EXPECT_EQ(r.status, FileStatus::Link);
  EXPECT_EQ(r.at, "content/linked");
  std::vector<FolderEntry> entries;
  EXPECT_EQ(files.list("content/linked", &entries).status, FileStatus::Link);
  FileInfo info;
  EXPECT_EQ(files.stat("content/linked/secret.md", &info).status, FileStatus::Link);
  EXPECT_EQ(files.stat("content/linked", &info).status, FileStatus::Link);
}

TEST(DiskFileSystem, RefusesALinkToAFileInsideTheRootToo) {
  // Even a link that stays inside could point at another participant's
  // experts-only entry: links are refused, not resolved and checked.
  TempTree t;
  fs::create_symlink("modules/m1.md", t.dir / "content/copy.md");
  DiskFileSystem files(t.dir.string());
  std::string text;
  EXPECT_EQ(files.read("content/copy.md", &text).status, FileStatus::Link);
}

TEST(DiskFileSystem, RefusesPathsLeavingTheRoot) {
  TempTree t;
  DiskFileSystem files(t.dir.string());
  std::string text;
  EXPECT_EQ(files.read("../" + t.outside.filename().string() + "/secret.md", &text).status, FileStatus::BadPath);
  EXPECT_EQ(files.read((t.outside / "secret.md").string(), &text).status, FileStatus::BadPath);
  EXPECT_EQ(files.read("content/../site.yaml", &text).status, FileStatus::BadPath);
}

TEST(DiskFileSystem, RefusesFoldersFifosAndOversizeFiles) {
  TempTree t;
  ASSERT_EQ(::mkfifo((t.dir / "fifo.md").c_str(), 0600), 0);
  DiskFileSystem files(t.dir.string());
  std::string text;
  EXPECT_EQ(files.read("fifo.md", &text).status, FileStatus::WrongKind);  // and does not hang
  EXPECT_EQ(files.read("content", &text).status, FileStatus::WrongKind);
  EXPECT_EQ(files.read("site.yaml", &text, 4).status, FileStatus::TooLarge);
  EXPECT_TRUE(files.read("site.yaml", &text, 9));
}

// Every size around the read buffer and the one-byte margin comes back
// whole, and the stamp is the read file's own.
TEST(DiskFileSystem, ReadsFilesOfAnySizeWholeWithTheirStamp) {
  TempTree t;
  DiskFileSystem files(t.dir.string());
  for (size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{65536}, size_t{65537}, size_t{300001}}) {
    std::string bytes(size, 'x');
    for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + i % 26);
    TempTree::write(t.dir / "big.md", bytes);
    std::string text = "left over";
    struct stat st;
    ASSERT_TRUE(files.read_stamped("big.md", &text, kNoSizeLimit, &st)) << size;
    EXPECT_EQ(text, bytes) << size;
    struct stat on_disk;
    ASSERT_EQ(::lstat((t.dir / "big.md").c_str(), &on_disk), 0);
    EXPECT_EQ(st.st_ino, on_disk.st_ino);
    EXPECT_EQ(static_cast<size_t>(st.st_size), size);
    EXPECT_EQ(st.st_mtim.tv_nsec, on_disk.st_mtim.tv_nsec);
  }
  std::string text;
  struct stat st;
  EXPECT_EQ(files.read_stamped("nope.md", &text, kNoSizeLimit, &st).status, FileStatus::Missing);
  EXPECT_EQ(st.st_ino, 0u);
}

// A build record mapped keeps the bytes it had when its file is replaced by
// a rename (how records are saved), and no link is followed to one.
TEST(MappedFile, KeepsItsBytesWhenTheFileIsReplacedAndFollowsNoLink) {
  TempTree t;
  TempTree::write(t.dir / "record", "first record");
  MappedFile mapped;
  ASSERT_TRUE(mapped.open((t.dir / "record").string()));
  EXPECT_EQ(mapped.bytes(), "first record");
  TempTree::write(t.dir / "record.tmp", "second, longer record");
  fs::rename(t.dir / "record.tmp", t.dir / "record");
  EXPECT_EQ(mapped.bytes(), "first record");
  MappedFile moved = std::move(mapped);
  EXPECT_EQ(moved.bytes(), "first record");
  ASSERT_TRUE(moved.open((t.dir / "record").string()));
  EXPECT_EQ(moved.bytes(), "second, longer record");

  TempTree::write(t.dir / "empty", "");
  MappedFile empty;
  EXPECT_TRUE(empty.open((t.dir / "empty").string()));
  EXPECT_TRUE(empty.bytes().empty());
  fs::create_symlink(t.outside / "secret.md", t.dir / "linked");
  MappedFile linked;
  EXPECT_FALSE(linked.open((t.dir / "linked").string()));
  EXPECT_FALSE(linked.open((t.dir / "content").string()));  // a folder
  EXPECT_FALSE(linked.open((t.dir / "missing").string()));
  EXPECT_TRUE(linked.bytes().empty());
}

TEST(MemoryFileSystem, BehavesLikeTheDisk) {
  MemoryFileSystem files;
  files.add_file("site.yaml", "title: T\n");
  files.add_file("portfolios/a/entry.md", "x");
  files.add_link("portfolios/a/linked.md");
  files.add_link("portfolios/b");
  std::string text;
  ASSERT_TRUE(files.read("portfolios/a/entry.md", &text));
  EXPECT_EQ(text, "x");
  EXPECT_EQ(files.read("portfolios/a/linked.md", &text).status, FileStatus::Link);
  FileResult r = files.read("portfolios/b/portfolio.yaml", &text);
  EXPECT_EQ(r.status, FileStatus::Link);
  EXPECT_EQ(r.at, "portfolios/b");
  EXPECT_EQ(files.read("../site.yaml", &text).status, FileStatus::BadPath);
  EXPECT_EQ(files.read("portfolios", &text).status, FileStatus::WrongKind);
  EXPECT_EQ(files.read("nope", &text).status, FileStatus::Missing);
  EXPECT_EQ(files.read("site.yaml", &text, 3).status, FileStatus::TooLarge);
  std::vector<FolderEntry> entries;
  ASSERT_TRUE(files.list("portfolios", &entries));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "a");
  EXPECT_EQ(entries[0].kind, FileKind::Folder);
  EXPECT_EQ(entries[1].kind, FileKind::Link);
  ASSERT_TRUE(files.list("portfolios/a", &entries));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "entry.md");
  FileInfo info;
  ASSERT_TRUE(files.stat("site.yaml", &info));
  EXPECT_EQ(info.size, 9u);
  EXPECT_TRUE(files.is_folder(""));
}

TEST(FileErrors, ALinkIsReportedWithAHint) {
  Diagnostics diags;
  report_file_error({FileStatus::Link, "portfolios/x/e.md"}, "portfolios/x/e.md", {"portfolios/x/e.md", 0, 0}, diags);
  ASSERT_EQ(diags.error_count(), 1u);
  std::string text = format_diagnostic(diags.sorted()[0]);
  EXPECT_NE(text.find("'portfolios/x/e.md' is a symbolic link"), std::string::npos) << text;
  EXPECT_NE(text.find("hint: "), std::string::npos) << text;
}
