// A small programme held in memory (base/filesystem.h's MemoryFileSystem),
// for unit tests of the stages after load: two frameworks and a crosswalk
// between them, three modules, a calendar with a moved and a cancelled
// session, and two portfolios, one of whose entries is coauthored. Tests
// change or add files before load(), as ninja's tests write manifests in
// memory, instead of copying the real programme and editing it.
//
//   FixtureSite site;
//   site.add("content/attendance.yaml", "participants: ...");
//   Diagnostics diags;
//   Site s = site.load(diags);
//
// or, for tests of the index and of what renders from it, IndexedFixture.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "base/diagnostics.h"
#include "base/filesystem.h"
#include "index/index.h"
#include "model/model.h"

namespace cartable_test {

// What the fixture holds (the tests' expectations are written from this):
//
// frameworks  a: domain 1 {1.1, 1.2}, domain 2 {2.1}
//             b: domain X {X.1, X.2}
// crosswalk   a/1.1 = b/X.1
// modules     m1 (number 1, 4 ECTS, 30 periods, 40 h, competencies a/1.1 a/1.2, task t1)
//             m2 (number 2, 6 ECTS, 45 periods, 60 h, competencies a/1.1 b/X.2, task t2)
//             tc (number 3, certifying work, 2 ECTS, 0 periods, 50 h, task portfolio)
// sessions    s1 m1 2027-03-06 09:00-12:00, salle
//             s2 m2 2027-03-13 09:00-16:00, moved on 2026-10-01 from 2027-03-12
//             s3 m2 2027-03-20 09:00-12:00, cancelled on 2026-10-15
// portfolios  ana: a1 (2027-03-02, m1/t1, a/1.1), a2 (2027-03-05, m2/t2, b/X.2)
//             bob: b1 (2027-03-03, m2/t2, b/X.1, coauthor ana)
struct FixtureSite {
  std::shared_ptr<cartable::MemoryFileSystem> files = std::make_shared<cartable::MemoryFileSystem>();

  FixtureSite();
  // Writes (or replaces) a file of the site.
  void add(const std::string& path, const std::string& text) { files->add_file(path, text); }
  // Loads the site as `cartable build` does (all entry bodies kept).
  cartable::Site load(cartable::Diagnostics& diags) const;
};

// The diagnostics as text, one a line, for failure messages.
std::string all_diagnostics(const cartable::Diagnostics& diags);

// A test fixture over the site above, loaded and indexed on demand, so a
// test can change files first:
//
//   struct IndexTest : cartable_test::IndexedFixture {};
//   TEST_F(IndexTest, ...) { fixture.add(...); load(); ... index->...; }
struct IndexedFixture : ::testing::Test {
  FixtureSite fixture;
  cartable::Diagnostics diags;
  cartable::Site site;
  std::unique_ptr<cartable::Index> index;

  // Loads and indexes the fixture. An error fails the test, which goes on
  // with what loaded (rather than crash on a missing index).
  void load();
};

}  // namespace cartable_test
