// Certification end to end (issue 15): trainers validate with `cartable
// assess`, participants cannot, an entry edited afterwards no longer
// counts, the jury's CSV opens in spreadsheets with its accents, and none
// of the HEP's records reach the public build.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "support.h"

using namespace cartable_test;

namespace {

std::string shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

// Files of a build (Pagefind's gzip fragments decompressed) containing `marker`.
std::vector<std::string> files_containing(const fs::path& dir, const std::string& marker) {
  std::vector<std::string> out;
  for (const auto& [path, bytes] : snapshot(dir)) {
    std::string text = bytes;
    if (bytes.size() > 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b) {
      text = shell("gzip -dc '" + (dir / path).string() + "'");
    }
    if (text.find(marker) != std::string::npos) out.push_back(path);
  }
  return out;
}

const char* const kAfterTheProgramme = "1848700800";  // 2028-08-01 00:00 UTC

class Certification : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = temp_dir(std::string("cert-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    copy_default_site(dir);
    // Readiness counts the training held by the build's today: 1 August
    // 2028, after the whole calendar, as the expectations are written.
    ::setenv("SOURCE_DATE_EPOCH", kAfterTheProgramme, 1);
  }
  void TearDown() override {
    ::unsetenv("SOURCE_DATE_EPOCH");
    fs::remove_all(dir);
  }
  fs::path dir;
};

}  // namespace

TEST_F(Certification, AParticipantWrittenAcquiredFailsCheckAtItsLine) {
  fs::path file = dir / "portfolios/camille-rochat/veille.md";
  replace_in_file(file, "status: submitted", "status: acquired");
  auto [line, col] = position_of(file, "acquired");
  RunResult r = run_cartable(dir, "check");
  EXPECT_EQ(r.status, 1);
  std::string expected = "portfolios/camille-rochat/veille.md:" + std::to_string(line) + ":" + std::to_string(col) +
                         ": error: a participant's entry cannot say it is acquired";
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint: trainers validate entries in the HEP's assessments"), std::string::npos);
}

TEST_F(Certification, AMissingJustifiedIsAnErrorAtTheAbsence) {
  fs::path file = dir / "content/attendance.yaml";
  auto [line, col] = position_of(file, "session: m1-ecrans");
  replace_in_file(file, "      - session: m1-ecrans\n        justified: true\n", "      - session: m1-ecrans\n");
  RunResult r = run_cartable(dir, "check");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("content/attendance.yaml:" + std::to_string(line) + ":" + std::to_string(col) +
                       ": error: absence from 'm1-ecrans': missing required field 'justified'"),
            std::string::npos)
      << r.err;
}

// The CSV row of a participant, as the jury's spreadsheet would read it.
std::string csv_row(const std::string& csv, const std::string& slug) {
  auto at = csv.find(";" + slug + ";");
  if (at == std::string::npos) return "";
  auto start = csv.rfind("\n", at);
  return csv.substr(start + 1, csv.find("\r\n", at) - start - 1);
}

TEST_F(Certification, AnEntryEditedAfterAssessIsFlaggedAndNotCounted) {
  write(dir / "retour.md", "Une veille **bien diffusée**.\n");
  RunResult a = run_cartable(dir, "assess portfolios/camille-rochat/veille.md --status acquired --by philippe-ruffieux "
                                  "--date 2027-07-01 --feedback-file retour.md");
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_EQ(a.out, "content/assessments/m2.yaml\n");
  // The fingerprint is sha256sum's, by hand: the entry has no attachment.
  std::string by_hand = shell("cd '" + (dir / "portfolios/camille-rochat").string() + "' && sha256sum veille.md | sha256sum");
  std::string recorded = read(dir / "content/assessments/m2.yaml");
  EXPECT_NE(recorded.find("fingerprint: sha256:" + by_hand.substr(0, 64)), std::string::npos) << recorded;
  EXPECT_NE(recorded.find("assessor: philippe-ruffieux"), std::string::npos);
  // Not a trainer: refused, nothing written.
  RunResult refused = run_cartable(dir, "assess portfolios/camille-rochat/veille.md --status acquired --by christian-georges");
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(read(dir / "content/assessments/m2.yaml"), recorded);

  ASSERT_EQ(run_cartable(dir, "build --audience experts --out experts --no-search").status, 0);
  std::string page = visible_text(read(dir / "experts/portfolios/camille-rochat/index.html"));
  EXPECT_NE(page.find("Dispositif de veille techno-pédagogique et de diffusion aux collègues Acquise"), std::string::npos) << page;
  // Module 2: both tasks now.
  EXPECT_NE(csv_row(read(dir / "experts/experts/certification.csv"), "camille-rochat").find(";2;2;1;1;"), std::string::npos)
      << csv_row(read(dir / "experts/experts/certification.csv"), "camille-rochat");

  replace_in_file(dir / "portfolios/camille-rochat/veille.md", "Ma veille", "Ma nouvelle veille");
  ASSERT_EQ(run_cartable(dir, "check").status, 0);  // the participant may edit; it is just no longer validated
  ASSERT_EQ(run_cartable(dir, "build --audience experts --out experts --no-search").status, 0);
  page = visible_text(read(dir / "experts/portfolios/camille-rochat/index.html"));
  EXPECT_NE(page.find("Dispositif de veille techno-pédagogique et de diffusion aux collègues À revalider"), std::string::npos)
      << page;
  EXPECT_NE(page.find("modifiée après validation"), std::string::npos);
  EXPECT_NE(visible_text(read(dir / "experts/portfolios/camille-rochat/veille/index.html")).find("modifiée après validation"),
            std::string::npos);
  EXPECT_NE(csv_row(read(dir / "experts/experts/certification.csv"), "camille-rochat").find(";2;1;1;1;"), std::string::npos)
      << csv_row(read(dir / "experts/experts/certification.csv"), "camille-rochat");
}

TEST_F(Certification, TheCsvReadsInPythonWithItsAccents) {
  ASSERT_EQ(run_cartable(dir, "build --audience experts --out experts --no-search").status, 0);
  fs::path csv = dir / "experts/experts/certification.csv";
  std::string bytes = read(csv);
  ASSERT_EQ(bytes.substr(0, 3), "\xEF\xBB\xBF");  // the BOM Excel needs to read UTF-8
  std::string script =
      "import csv,sys\n"
      "rows=list(csv.reader(open(sys.argv[1],encoding='utf-8-sig',newline=''),delimiter=';'))\n"
      "h=rows[0]\n"
      "for r in rows[1:]:\n"
      "  print(r[h.index('Participant·e')]+'|'+r[h.index('Établissement')]+'|'+r[h.index('Absences (% du temps de formation)')]"
      "+'|'+r[h.index('Prêt·e')])\n";
  write(dir / "read.py", script);
  std::string out = shell("python3 '" + (dir / "read.py").string() + "' '" + csv.string() + "'");
  EXPECT_EQ(out,
            "Camille Rochat|Collège des Sorbiers, Delémont (exemple fictif)|3,5|non\n"
            "Inès Maillard|École secondaire du Plateau, Tavannes (exemple fictif)|6,7|oui\n"
            "Luca Ferrari|École primaire des Trois-Lacs, Bienne (exemple fictif)|20,5|non\n");
}

TEST_F(Certification, TheCsvOpensInLibreOfficeWithItsAccents) {
  if (shell("command -v soffice").empty()) GTEST_SKIP() << "soffice not installed (scripts/install-deps --tests)";
  ASSERT_EQ(run_cartable(dir, "build --audience experts --out experts --no-search").status, 0);
  // LibreOffice reads the file as a spreadsheet (';', '"', UTF-8) and
  // writes it back as a plain comma-separated UTF-8 file we can compare.
  std::string profile = "-env:UserInstallation=file://" + (dir / "lo-profile").string();
  std::string cmd = "cd '" + dir.string() + "' && HOME='" + dir.string() + "' soffice " + profile +
                    " --headless --infilter='CSV:59,34,76,1' --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1'"
                    " --outdir lo experts/experts/certification.csv >/dev/null 2>&1";
  std::system(cmd.c_str());
  std::string back = read(dir / "lo/certification.csv");
  ASSERT_FALSE(back.empty()) << "LibreOffice wrote nothing";
  // Text cells come back quoted, numbers bare: the module counts were read as numbers.
  EXPECT_NE(back.find("\"Participant·e\",\"Identifiant\",\"Établissement\","), std::string::npos) << back;
  EXPECT_NE(back.find("\"Inès Maillard\",\"ines-maillard\",\"École secondaire du Plateau, Tavannes (exemple fictif)\",3,2,3,2,\"oui\","),
            std::string::npos)
      << back;
  EXPECT_NE(back.find("(tenue, réussie)"), std::string::npos);
}

// Feedback, assessors, attendance and à-la-carte records stay in the
// experts' build: pages, feeds, JSON, sitemap and Pagefind's fragments.
TEST_F(Certification, ThePublicBuildHoldsNoHepRecord) {
  write(dir / "retour.md", "MARQUEUR-RETOUR-91c2 : très bon travail.\n");
  ASSERT_EQ(run_cartable(dir, "assess portfolios/camille-rochat/prevention.md --status to-redo --by nicolas-martignoni "
                              "--date 2027-10-20 --feedback-file retour.md")
                .status,
            0);
  write(dir / "portfolios/camille-rochat/attestation.pdf", read(dir / "portfolios/ines-maillard/attestations-a-la-carte.pdf"));
  std::string yaml = read(dir / "portfolios/camille-rochat/portfolio.yaml");
  write(dir / "portfolios/camille-rochat/portfolio.yaml",
        yaml + "a_la_carte:\n  - id: cours\n    title: MARQUEUR-CARTE-4d7e\n    date: 2027-02-03\n    periods: 8\n"
               "    attestation: attestation.pdf\n");
  replace_in_file(dir / "content/attendance.yaml", "  - participant: luca-ferrari\n",
                  "    a_la_carte:\n      - course: cours\n  - participant: luca-ferrari\n");
  std::string pagefind = std::string(" --pagefind ") + CARTABLE_PAGEFIND;
  RunResult pub = run_cartable(dir, "build" + pagefind);
  ASSERT_EQ(pub.status, 0) << pub.err;
  ASSERT_EQ(run_cartable(dir, "build --audience experts --out experts" + pagefind).status, 0);
  ASSERT_TRUE(fs::exists(dir / "public/pagefind/pagefind-entry.json")) << "Pagefind did not run";
  // What the jury sees (so the markers are real) ...
  for (const char* marker : {"MARQUEUR-RETOUR-91c2", "MARQUEUR-CARTE-4d7e", "Évalué par Nicolas Martignoni", "Séances manquées",
                             "sha256:"}) {
    EXPECT_NE(files_containing(dir / "experts", marker), std::vector<std::string>{}) << marker;
  }
  // ... the public never does; nor a validated status (public_validation is off).
  for (const char* marker : {"MARQUEUR-RETOUR-91c2", "MARQUEUR-CARTE-4d7e", "Évalué par", "Séances manquées", "sha256:",
                             "attestation.pdf", "À reprendre", "Acquise", "données manquantes"}) {
    EXPECT_EQ(files_containing(dir / "public", marker), std::vector<std::string>{}) << marker;
  }
}

TEST_F(Certification, PublicValidationShowsTheStatusOnlyWhenTheSiteSaysSo) {
  write(dir / "site.yaml", read(dir / "site.yaml") + "public_validation: true\n");
  ASSERT_EQ(run_cartable(dir, "build --no-search").status, 0);
  std::string html = read(dir / "public/portfolios/camille-rochat/strategie-college/index.html");
  EXPECT_EQ(fact(html, "Statut"), "Acquise");
  EXPECT_EQ(files_containing(dir / "public", "Évalué par"), std::vector<std::string>{});
  EXPECT_EQ(files_containing(dir / "public", "sha256:"), std::vector<std::string>{});
  EXPECT_EQ(files_containing(dir / "public", "Travail complet et situé"), std::vector<std::string>{});  // the feedback
}

// `cartable assess --date` appends: an older decision can come later in the
// file. The public build, which drops the dates, must still show the latest.
TEST_F(Certification, PublicValidationShowsTheLatestAssessmentNotTheLastInTheFile) {
  write(dir / "site.yaml", read(dir / "site.yaml") + "public_validation: true\n");
  std::string m1 = read(dir / "content/assessments/m1.yaml");
  size_t at = m1.find("fingerprint: sha256:", m1.find("entry: carte-des-ressources"));
  ASSERT_NE(at, std::string::npos);
  std::string fingerprint = m1.substr(at, m1.find('\n', at) - at);
  write(dir / "content/assessments/m1.yaml", m1 +
        "  - participant: camille-rochat\n    entry: carte-des-ressources\n    task: ressources-ednum\n"
        "    status: not-acquired\n    date: 2026-12-01\n    assessor: emmanuel-flaction\n    " + fingerprint + "\n");
  ASSERT_EQ(run_cartable(dir, "build --no-search").status, 0);
  ASSERT_EQ(run_cartable(dir, "build --audience experts --out experts --no-search").status, 0);
  const std::string page = "portfolios/camille-rochat/carte-des-ressources/index.html";
  EXPECT_EQ(fact(read(dir / "experts" / page), "Statut"), "Acquise");
  EXPECT_EQ(fact(read(dir / "public" / page), "Statut"), "Acquise");
}

// Participants type their names: a formula or a separator in a name stays
// text in the jury's spreadsheet.
TEST_F(Certification, TheCsvKeepsHostileNamesAsText) {
  replace_in_file(dir / "portfolios/camille-rochat/portfolio.yaml", "name: Camille Rochat",
                  "name: \"=HYPERLINK(\\\"https://example.org\\\";\\\"clic\\\")\"");
  ASSERT_EQ(run_cartable(dir, "build --audience experts --out experts --no-search").status, 0);
  fs::path csv = dir / "experts/experts/certification.csv";
  write(dir / "read.py",
        "import csv,sys\n"
        "rows=list(csv.reader(open(sys.argv[1],encoding='utf-8-sig',newline=''),delimiter=';'))\n"
        "print(len(set(map(len,rows))), [r[0] for r in rows if r[1]=='camille-rochat'][0])\n");
  EXPECT_EQ(shell("python3 '" + (dir / "read.py").string() + "' '" + csv.string() + "'"),
            "1 '=HYPERLINK(\"https://example.org\";\"clic\")\n");
}
