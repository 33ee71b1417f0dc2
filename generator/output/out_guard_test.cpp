#include "output/out_guard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "output/output.h"

using namespace cartable;
namespace fs = std::filesystem;

namespace {

// <root>/site is the source folder; the rest of <root> is "elsewhere".
struct Folders {
  fs::path root, site;
  Folders() {
    root = fs::temp_directory_path() / ("cartable-guard-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
    site = root / "site";
    fs::create_directories(site / "content");
    std::ofstream(site / "site.yaml") << "title: T\n";
  }
  ~Folders() { fs::remove_all(root); }
  bool allowed(const fs::path& out, const std::vector<std::string>& outputs = {"public"}) {
    Diagnostics diags;
    bool ok = check_output_folder(site.string(), out.string(), outputs, diags);
    last = diags.has_errors() ? format_diagnostic(diags.sorted()[0]) : "";
    return ok;
  }
  std::string last;
};

}  // namespace

TEST(OutGuard, RefusesTheSourceWhatContainsItAndTheRoot) {
  Folders f;
  EXPECT_FALSE(f.allowed(f.site));
  EXPECT_NE(f.last.find("it is the source folder"), std::string::npos) << f.last;
  EXPECT_FALSE(f.allowed(f.site / "."));
  EXPECT_FALSE(f.allowed(f.site / "content/.."));
  EXPECT_FALSE(f.allowed(f.root));
  EXPECT_NE(f.last.find("it contains the source folder"), std::string::npos) << f.last;
  EXPECT_FALSE(f.allowed("/"));
  EXPECT_NE(f.last.find("hint: nothing was written"), std::string::npos) << f.last;
}

TEST(OutGuard, InsideTheSourceOnlyDeclaredOutputFolders) {
  Folders f;
  EXPECT_TRUE(f.allowed(f.site / "public"));
  EXPECT_TRUE(f.allowed(f.site / "public/"));
  EXPECT_FALSE(f.allowed(f.site / "content"));
  EXPECT_FALSE(f.allowed(f.site / "experts"));
  EXPECT_NE(f.last.find("outputs: [experts]"), std::string::npos) << f.last;
  EXPECT_TRUE(f.allowed(f.site / "experts", {"public", "experts"}));
  EXPECT_TRUE(f.allowed(f.site / "build/oracle", {"public", "build"}));
  EXPECT_FALSE(f.allowed(f.site / "content/public"));  // not directly under the source
}

TEST(OutGuard, AForeignFolderIsRefusedAnEmptyOneOrAPreviousOutputIsNot) {
  Folders f;
  fs::create_directories(f.root / "empty");
  EXPECT_TRUE(f.allowed(f.root / "empty"));
  EXPECT_TRUE(f.allowed(f.root / "new"));
  fs::create_directories(f.root / "documents");
  std::ofstream(f.root / "documents/letter.odt") << "x";
  EXPECT_FALSE(f.allowed(f.root / "documents"));
  EXPECT_NE(f.last.find("cartable did not write"), std::string::npos) << f.last;
  std::ofstream(f.root / "documents" / kOutputMarker) << kOutputMarkerText;
  EXPECT_TRUE(f.allowed(f.root / "documents"));
}

TEST(OutGuard, ASymlinkIsJudgedByItsTarget) {
  Folders f;
  fs::create_directory_symlink(f.site, f.root / "link");
  EXPECT_FALSE(f.allowed(f.root / "link"));
  fs::create_directory_symlink(f.site / "content", f.root / "to-content");
  EXPECT_FALSE(f.allowed(f.root / "to-content"));
  fs::create_directories(f.root / "target");
  fs::create_directory_symlink(f.root / "target", f.root / "to-target");
  EXPECT_TRUE(f.allowed(f.root / "to-target"));
}

// The output stage's last line of defence: paths are built from validated
// names, and one that would leave the output is an internal error.
TEST(OutputPaths, APathLeavingTheOutputIsAnInternalErrorNeverAWrite) {
  Folders f;
  Diagnostics diags;
  auto staging = StagingDir::open((f.root / "out").string(), diags);
  ASSERT_TRUE(staging) << (diags.has_errors() ? format_diagnostic(diags.sorted()[0]) : "");
  staging->write("index.html", "ok");
  staging->write("../../escaped.html", "no");
  staging->write("/tmp/absolute.html", "no");
  EXPECT_FALSE(staging->commit(diags));
  ASSERT_TRUE(diags.has_errors());
  EXPECT_NE(format_diagnostic(diags.sorted()[0]).find("internal error: output path '../../escaped.html'"), std::string::npos);
  EXPECT_FALSE(fs::exists(f.root / "escaped.html"));
  EXPECT_FALSE(fs::exists(f.root.parent_path() / "escaped.html"));
  EXPECT_FALSE(fs::exists(f.root / "out/index.html"));  // nothing published
}
