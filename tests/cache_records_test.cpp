// The records a build leaves beside its output for the next one
// (`.<out>.cartable/inputs`, cache/cache.h; `entries`, load/entry_cache.h):
// a record damaged on disk is ignored as a whole, never half-believed.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "support.h"

using namespace cartable_test;

namespace {

class CacheRecords : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    copy_default_site(dir / "site");
  }
  void TearDown() override { fs::remove_all(dir); }

  // The site as a --no-cache build into an empty folder makes it.
  std::map<std::string, std::string> full_build() {
    RunResult full = run_cartable(dir / "site", "build --no-search --no-cache --out " + (dir / "full").string());
    EXPECT_EQ(full.status, 0) << full.err;
    return snapshot(dir / "full");
  }

  // Replaces `from` by `to` (same length) in the record's bytes.
  void damage(const fs::path& record, const std::string& from, const std::string& to) {
    std::string bytes = read(record);
    size_t at = bytes.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    bytes.replace(at, from.size(), to);
    std::ofstream(record, std::ios::binary | std::ios::trunc) << bytes;
  }

  fs::path dir;
};

}  // namespace

// A byte changed in the entries' record (a title, as a failing disk or a
// partial copy would change it) is not published: the next build parses
// every entry again and its pages are a full build's.
TEST_F(CacheRecords, ADamagedEntryRecordIsNotBelieved) {
  fs::path site = dir / "site";
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  damage(site / ".public.cartable/entries", "cyberharcèlement", "cyberharcèlemenX");
  replace_in_file(site / "portfolios/luca-ferrari/accompagner-changement.md", "competencies:", "draft: true\ncompetencies:");
  RunResult next = run_cartable(site, "build --no-search");
  ASSERT_EQ(next.status, 0) << next.err;
  EXPECT_EQ(snapshot(site / "public"), full_build());
}

// The same for the record of what the last build read: damaged, it is no
// record, and the build is not skipped as if nothing had changed.
TEST_F(CacheRecords, ADamagedInputRecordIsNotBelieved) {
  fs::path site = dir / "site";
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  fs::path record = site / ".public.cartable/inputs";
  std::string bytes = read(record);
  bytes[bytes.size() / 2] ^= 1;
  std::ofstream(record, std::ios::binary | std::ios::trunc) << bytes;
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum");
  RunResult next = run_cartable(site, "build --no-search");
  ASSERT_EQ(next.status, 0) << next.err;
  EXPECT_EQ(next.err.find("nothing changed"), std::string::npos) << next.err;
  EXPECT_EQ(snapshot(site / "public"), full_build());
}

// A folder is listed again only when its stamp (inode, mtime, ctime)
// changed; the stamps are trusted only for folders unchanged for a second
// before the build, hence the pause. A file appearing in, leaving or renamed
// within a portfolio's folder is then seen: a look-alike's warning, a new
// entry, an entry gone.
TEST_F(CacheRecords, AFolderChangedSinceItsListingIsListedAgain) {
  fs::path site = dir / "site";
  fs::path folder = site / "portfolios/luca-ferrari";
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  RunResult first = run_cartable(site, "build --no-search");
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(first.err.find("brouillon.md.txt"), std::string::npos);

  write(folder / "brouillon.md.txt", "---\ntitle: x\n---\n");
  RunResult second = run_cartable(site, "build --no-search");
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.err.find("brouillon.md.txt"), std::string::npos) << second.err;
  EXPECT_EQ(snapshot(site / "public"), full_build());

  // A build (of another edit) a second later records the folder's stamp,
  // trusted from now on.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  replace_in_file(site / "portfolios/camille-rochat/prevention.md", "théâtre-forum", "théâtre forum");
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  fs::rename(folder / "atelier-robots.md", folder / "atelier-de-robots.md");
  fs::remove(folder / "brouillon.md.txt");
  RunResult third = run_cartable(site, "build --no-search");
  ASSERT_EQ(third.status, 0) << third.err;
  EXPECT_EQ(third.err.find("brouillon.md.txt"), std::string::npos) << third.err;
  EXPECT_EQ(snapshot(site / "public"), full_build());
}

namespace {

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

// A portfolio whose portfolio.yaml and folder are unchanged comes from the
// record: its warnings (the example bio, a look-alike file) shown once, as
// a full build shows them; an edit of portfolio.yaml or a file added to
// its folder is seen.
TEST_F(CacheRecords, AnUnchangedPortfolioComesFromTheRecordWithItsWarnings) {
  fs::path site = dir / "site";
  fs::path folder = site / "portfolios/luca-ferrari";
  replace_in_file(folder / "portfolio.yaml",
                  "  Enseignant de 5-6H, passionné de robotique pédagogique. Coordinateur numérique\n"
                  "  d'un établissement de 18 classes.\n",
                  "  Quelques lignes pour vous présenter (Markdown).\n");
  write(folder / "brouillon.md.txt", "---\ntitle: x\n---\n");
  RunResult first = run_cartable(site, "build --no-search");
  ASSERT_EQ(first.status, 0) << first.err;
  const std::string bio_warning = "the bio is still the example of `cartable new portfolio`";
  EXPECT_EQ(count_of(first.err, bio_warning), 1u) << first.err;
  EXPECT_EQ(count_of(first.err, "luca-ferrari/brouillon.md.txt:"), 1u) << first.err;

  // One of its entries edited: the portfolio itself is taken from the record.
  replace_in_file(folder / "atelier-robots.md", "competencies:", "draft: true\ncompetencies:");
  RunResult second = run_cartable(site, "build --no-search");
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(count_of(second.err, bio_warning), 1u) << second.err;
  EXPECT_EQ(count_of(second.err, "luca-ferrari/brouillon.md.txt:"), 1u) << second.err;
  EXPECT_EQ(snapshot(site / "public"), full_build());

  // portfolio.yaml edited: read again.
  replace_in_file(folder / "portfolio.yaml", "name: Luca Ferrari", "name: Luca Ferrari-Rossi");
  RunResult third = run_cartable(site, "build --no-search");
  ASSERT_EQ(third.status, 0) << third.err;
  EXPECT_NE(read(site / "public/portfolios/luca-ferrari/index.html").find("Luca Ferrari-Rossi"), std::string::npos);
  EXPECT_EQ(snapshot(site / "public"), full_build());

  // A new entry in its folder, and another look-alike: listed again.
  write(folder / "nouvelle-trace.md", read(folder / "portfolio-en-continu.md"));
  write(folder / "Notes.MD", "x\n");
  RunResult fourth = run_cartable(site, "build --no-search");
  ASSERT_EQ(fourth.status, 0) << fourth.err;
  EXPECT_EQ(count_of(fourth.err, "luca-ferrari/Notes.MD:"), 1u) << fourth.err;
  EXPECT_TRUE(fs::exists(site / "public/portfolios/luca-ferrari/nouvelle-trace/index.html"));
  EXPECT_EQ(snapshot(site / "public"), full_build());
}
