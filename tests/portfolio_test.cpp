// Portfolios on the example content (portfolios/): pages, coverage,
// backlinks, attachments, audiences, and the diagnostics a participant meets.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "support.h"

using namespace cartable_test;

namespace {

fs::path g_site;  // a copy of the default site, built for both audiences

class Portfolios : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_site = temp_dir("portfolios");
    copy_default_site(g_site);
    ASSERT_EQ(run_cartable(g_site, "build").status, 0);
    ASSERT_EQ(run_cartable(g_site, "build --audience experts --out experts").status, 0);
  }
  static std::string page(const std::string& rel) { return read(g_site / "public" / rel / "index.html"); }
  static std::string experts(const std::string& rel) { return read(g_site / "experts" / rel / "index.html"); }
};

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Files of a build that contain `marker`.
std::vector<std::string> files_containing(const fs::path& dir, const std::string& marker) {
  std::vector<std::string> out;
  for (const auto& [path, bytes] : snapshot(dir)) {
    if (bytes.find(marker) != std::string::npos) out.push_back(path);
  }
  return out;
}

}  // namespace

TEST_F(Portfolios, IndexListsPublicParticipantsOnly) {
  std::string html = page("portfolios");
  EXPECT_NE(html.find("href=\"/portfolios/camille-rochat/\""), std::string::npos);
  EXPECT_NE(html.find("href=\"/portfolios/luca-ferrari/\""), std::string::npos);
  EXPECT_EQ(html.find("ines-maillard"), std::string::npos);
  EXPECT_EQ(html.find("Inès Maillard"), std::string::npos);
  EXPECT_NE(experts("portfolios").find("href=\"/portfolios/ines-maillard/\""), std::string::npos);
}

TEST_F(Portfolios, EntryPageLinksCompetenciesModuleTaskAndCoauthors) {
  std::string html = page("portfolios/camille-rochat/strategie-college");
  EXPECT_EQ(element_text(html, "h1"), "Stratégie numérique du Collège des Sorbiers : premier jet");
  for (const char* href : {"/referentiels/rc-num-so/1.2/", "/referentiels/rc-num-so/2.2/", "/referentiels/encadrement-2009/A.4/",
                           "/referentiels/inspe-grille/item-2/", "/modules/m2/", "/modules/m2/#tache-strategie",
                           "/portfolios/luca-ferrari/", "/portfolios/camille-rochat/"}) {
    EXPECT_NE(html.find(std::string("href=\"") + href + "\""), std::string::npos) << href;
  }
  // Validation is the trainers' and the experts' business: the public page
  // says nothing of it (site.yaml public_validation is off).
  EXPECT_EQ(fact(html, "Statut"), "");
  EXPECT_EQ(fact(html, "Co-auteur·e·s"), "Camille Rochat Luca Ferrari");
  // Markdown of the body: table, task list, strikethrough elsewhere.
  EXPECT_NE(html.find("type=\"checkbox\""), std::string::npos);
}

TEST_F(Portfolios, GroupWorkShowsInEveryAuthorsPortfolio) {
  EXPECT_NE(page("portfolios/luca-ferrari").find("/portfolios/camille-rochat/strategie-college/"), std::string::npos);
  EXPECT_NE(page("portfolios/camille-rochat").find("/portfolios/camille-rochat/strategie-college/"), std::string::npos);
}

TEST_F(Portfolios, CoverageTableAndHeatMap) {
  std::string html = page("portfolios/camille-rochat");
  // 17 cells, one per RC Num SO sub-domain, in an SVG drawn at build time.
  auto svg_start = html.find("<svg");
  auto svg_end = html.find("</svg>");
  ASSERT_NE(svg_start, std::string::npos);
  std::string svg = html.substr(svg_start, svg_end - svg_start);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_EQ(count(svg, "<rect "), 17u);
  // 1.2 is evidenced by the strategy (direct), the inventory (direct) and the
  // watch entry (crcne/1, by equivalence): three entries.
  EXPECT_NE(svg.find("<title>1.2 Collaboration professionnelle : 3</title>"), std::string::npos);
  auto table = html.substr(html.find("<table class=\"coverage-table\">"));
  auto row = table.substr(table.find("/referentiels/rc-num-so/1.1/"));
  row = row.substr(0, row.find("</tr>"));
  EXPECT_NE(row.find("Ma veille techno-pédagogique en trois outils"), std::string::npos);
  EXPECT_NE(row.find("par équivalence"), std::string::npos);
  EXPECT_NE(html.find("(10/17)"), std::string::npos);
}

TEST_F(Portfolios, CompetencyPagesListEvidenceByParticipantWithEquivalents) {
  std::string html = page("referentiels/rc-num-so/2.1");
  auto section = html.substr(html.find("id=\"traces\""));
  section = section.substr(0, section.find("</section>"));
  EXPECT_LT(section.find("Camille Rochat"), section.find("Luca Ferrari"));
  EXPECT_NE(section.find("/portfolios/camille-rochat/carte-des-ressources/"), std::string::npos);
  EXPECT_NE(section.find("/portfolios/luca-ferrari/choix-environnements/"), std::string::npos);
  // crcne/2 is equivalent to rc-num-so/2.1: Luca's entry tagged with both
  // appears once.
  EXPECT_EQ(count(section, "/portfolios/luca-ferrari/choix-environnements/"), 1u);
  // And the other way: the crcne/2 page shows entries tagged rc-num-so/2.2.
  std::string crcne = page("referentiels/crcne/2");
  EXPECT_NE(crcne.find("/portfolios/camille-rochat/strategie-college/"), std::string::npos);
  EXPECT_NE(crcne.find("par équivalence"), std::string::npos);
}

TEST_F(Portfolios, ModulePagesListEntriesPerTask) {
  std::string html = page("modules/m2");
  auto task = html.substr(html.find("id=\"tache-strategie\""));
  task = task.substr(0, task.find("</li>\n    </ul>") == std::string::npos ? 2000 : task.find("id=\"tache-veille\""));
  EXPECT_NE(task.find("/portfolios/camille-rochat/strategie-college/"), std::string::npos);
  auto veille = html.substr(html.find("id=\"tache-veille\""));
  EXPECT_NE(veille.find("/portfolios/luca-ferrari/veille-robotique/"), std::string::npos);
  EXPECT_NE(veille.find("/portfolios/camille-rochat/veille/"), std::string::npos);
}

TEST_F(Portfolios, AttachmentsAreCopiedAndDescribed) {
  std::string html = page("portfolios/camille-rochat/formation-interne");
  EXPECT_NE(html.find("<img src=\"/portfolios/camille-rochat/formation-interne/participation-formations.png\" "
                      "alt=\"Diagramme en barres - participation aux formations internes de 2022 à 2027, avec un pic en 2025.\" "
                      "width=\"480\" height=\"280\""),
            std::string::npos)
      << html;
  EXPECT_EQ(read(g_site / "public/portfolios/camille-rochat/formation-interne/participation-formations.png"),
            read(g_site / "portfolios/camille-rochat/participation-formations.png"));
  std::string pdf = page("portfolios/camille-rochat/strategie-college");
  EXPECT_NE(pdf.find(">Stratégie numérique, version de travail (PDF)</a> (document PDF, 767 octets)"), std::string::npos) << pdf;
  EXPECT_TRUE(fs::exists(g_site / "public/portfolios/camille-rochat/strategie-college/strategie-numerique.pdf"));
}

TEST_F(Portfolios, DraftsAppearNowhere) {
  for (const char* build : {"public", "experts"}) {
    SCOPED_TRACE(build);
    EXPECT_EQ(files_containing(g_site / build, "MARQUEUR-BROUILLON-c4f1e9"), std::vector<std::string>{});
    EXPECT_EQ(files_containing(g_site / build, "accompagnement-brouillon"), std::vector<std::string>{});
    EXPECT_EQ(files_containing(g_site / build, "Accompagnement d&apos;une collègue (brouillon)"), std::vector<std::string>{});
  }
  // Counts leave it out too: Camille has 7 published entries, 8 files.
  EXPECT_NE(page("portfolios").find("7 traces"), std::string::npos);
}

TEST_F(Portfolios, AudiencesNeverLeak) {
  EXPECT_EQ(files_containing(g_site / "public", "MARQUEUR-EXPERTS-5e0a3c"), std::vector<std::string>{});
  EXPECT_EQ(files_containing(g_site / "public", "Inès Maillard"), std::vector<std::string>{});
  EXPECT_EQ(files_containing(g_site / "public", "MARQUEUR-PRIVE-8b2d71"), std::vector<std::string>{});
  EXPECT_FALSE(files_containing(g_site / "experts", "MARQUEUR-EXPERTS-5e0a3c").empty());
  EXPECT_EQ(files_containing(g_site / "experts", "MARQUEUR-PRIVE-8b2d71"), std::vector<std::string>{});
  EXPECT_EQ(read(g_site / "public/sitemap.xml").find("ines-maillard"), std::string::npos);
}

// Diagnostics, each on a fresh copy: position, hint, exit code, no output.
class PortfolioErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = temp_dir(std::string("pf-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    copy_default_site(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  void expect(const std::string& file, const std::string& at, const std::string& message) {
    auto [line, col] = position_of(dir / file, at);
    ASSERT_GT(line, 0) << at;
    RunResult r = run_cartable(dir, "check");
    EXPECT_EQ(r.status, 1);
    std::string prefix = file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": error: ";
    EXPECT_NE(r.err.find(prefix + message), std::string::npos) << "expected " << prefix << message << " in\n" << r.err;
  }
  fs::path dir;
};

TEST_F(PortfolioErrors, UnknownCompetencyFailsAndKeepsThePublishedSite) {
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  auto before = snapshot(dir / "public");
  std::string file = "portfolios/luca-ferrari/atelier-robots.md";
  replace_in_file(dir / file, "  - rc-num-so/3.1\n", "  - rc-num-so/3.2\n");
  auto [line, col] = position_of(dir / file, "rc-num-so/3.2");
  RunResult r = run_cartable(dir, "build");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(file + ":" + std::to_string(line) + ":" + std::to_string(col) +
                       ": error: unknown competency 'rc-num-so/3.2'\n  hint: did you mean rc-num-so/3.1?"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(snapshot(dir / "public"), before);
}

TEST_F(PortfolioErrors, UnknownModule) {
  replace_in_file(dir / "portfolios/luca-ferrari/veille-robotique.md", "module: m2", "module: m22");
  expect("portfolios/luca-ferrari/veille-robotique.md", "m22", "unknown module 'm22'\n  hint: did you mean m2?");
}

TEST_F(PortfolioErrors, UnknownTaskNamesTheModulesTasks) {
  replace_in_file(dir / "portfolios/luca-ferrari/veille-robotique.md", "task: veille", "task: veile");
  expect("portfolios/luca-ferrari/veille-robotique.md", "veile", "module m2 has no task 'veile'\n  hint: did you mean veille?");
}

TEST_F(PortfolioErrors, UnknownCoauthor) {
  replace_in_file(dir / "portfolios/camille-rochat/strategie-college.md", "  - luca-ferrari", "  - luca-ferari");
  expect("portfolios/camille-rochat/strategie-college.md", "luca-ferari",
         "unknown coauthor 'luca-ferari': no portfolio has this slug\n  hint: did you mean luca-ferrari?");
}

TEST_F(PortfolioErrors, MissingRequiredField) {
  replace_in_file(dir / "portfolios/luca-ferrari/veille-robotique.md", "module: m2\n", "");
  expect("portfolios/luca-ferrari/veille-robotique.md", "title:", "entry: missing required field 'module'");
}

TEST_F(PortfolioErrors, MissingAttachment) {
  replace_in_file(dir / "portfolios/camille-rochat/formation-interne.md", "file: participation-formations.png",
                  "file: participation-formation.png");
  expect("portfolios/camille-rochat/formation-interne.md", "participation-formation.png",
         "attachment 'participation-formation.png' not found\n  hint: did you mean participation-formations.png?");
}

TEST_F(PortfolioErrors, AttachmentOutsideThePortfolio) {
  replace_in_file(dir / "portfolios/camille-rochat/formation-interne.md", "file: participation-formations.png",
                  "file: ../luca-ferrari/portfolio.yaml");
  expect("portfolios/camille-rochat/formation-interne.md", "../luca-ferrari",
         "attachment '../luca-ferrari/portfolio.yaml' is outside the portfolio's folder");
}

TEST_F(PortfolioErrors, SymlinkOutOfThePortfolio) {
  fs::create_symlink(dir / "site.yaml", dir / "portfolios/camille-rochat/lien.pdf");
  replace_in_file(dir / "portfolios/camille-rochat/formation-interne.md", "file: participation-formations.png", "file: lien.pdf");
  expect("portfolios/camille-rochat/formation-interne.md", "lien.pdf",
         "attachment 'lien.pdf' is a symbolic link");
}

TEST_F(PortfolioErrors, ImageWithoutAltText) {
  replace_in_file(dir / "portfolios/camille-rochat/formation-interne.md",
                  "    alt: Diagramme en barres - participation aux formations internes de 2022 à 2027, avec un pic en 2025.\n", "");
  expect("portfolios/camille-rochat/formation-interne.md", "participation-formations.png",
         "image 'participation-formations.png' has no alt text");
}

TEST_F(PortfolioErrors, TwoPortfoliosWithTheSameSlug) {
  fs::copy(dir / "portfolios/luca-ferrari", dir / "portfolios/luca-ferrari-copie", fs::copy_options::recursive);
  replace_in_file(dir / "portfolios/luca-ferrari-copie/portfolio.yaml", "name: Luca Ferrari", "slug: luca-ferrari\nname: Luca Ferrari");
  expect("portfolios/luca-ferrari-copie/portfolio.yaml", "slug: luca-ferrari", "duplicate portfolio id 'luca-ferrari'");
}

// A national cohort: a competency evidenced by more entries than a page can
// list shows participants with their counts; a module counts a task's entries.
TEST(PortfoliosAtScale, BigListsBecomeCounts) {
  fs::path site = temp_dir("portfolios-scale");
  copy_default_site(site);
  for (int i = 0; i < 205; ++i) {
    std::string slug = "p" + std::to_string(1000 + i);
    write(site / "portfolios" / slug / "portfolio.yaml", "name: Participant " + std::to_string(i) + "\n");
    write(site / "portfolios" / slug / "trace.md",
          "---\ntitle: Trace " + std::to_string(i) + "\ndate: 2027-03-01\nmodule: m2\ntask: strategie\n"
          "competencies: [rc-num-so/1.2]\nstatus: submitted\n---\nTexte.\n");
  }
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  std::string comp = read(site / "public/referentiels/rc-num-so/1.2/index.html");
  EXPECT_NE(comp.find("class=\"participant-counts\""), std::string::npos);
  EXPECT_NE(comp.find("<a href=\"/portfolios/p1000/#couverture\">Participant 0</a> : 1</li>"), std::string::npos);
  EXPECT_EQ(comp.find("/portfolios/p1000/trace/"), std::string::npos);  // entries are not listed
  // Camille's own entries on 1.2 are counted under her name.
  EXPECT_NE(comp.find("<a href=\"/portfolios/camille-rochat/#couverture\">Camille Rochat</a> : "), std::string::npos);
  std::string m2 = read(site / "public/modules/m2/index.html");
  size_t task = m2.find("id=\"tache-strategie\"");
  ASSERT_NE(task, std::string::npos);
  std::string item = m2.substr(task, m2.find("</li>", task) - task);
  size_t label = item.find("Traces publiées : ");
  ASSERT_NE(label, std::string::npos) << item;
  EXPECT_GE(std::stoi(item.substr(label + std::string("Traces publiées : ").size())), 205) << item;
  EXPECT_EQ(item.find("/portfolios/p1000/trace/"), std::string::npos);
  // The participant's portfolio lists the entry in its coverage table.
  EXPECT_NE(read(site / "public/portfolios/p1000/index.html").find("/portfolios/p1000/trace/"), std::string::npos);
  fs::remove_all(site);
}

// The print page shows every entry's body, rendered once for both pages: the
// same text, with heading anchors that name the entry so none repeats.
TEST_F(Portfolios, PrintPageRepeatsEntryBodiesWithTheirOwnAnchors) {
  std::string entry = page("portfolios/camille-rochat/mon-mandat");
  std::string print = page("portfolios/camille-rochat/impression");
  std::regex id_re("<h[23] id=\"([^\"]+)\"");
  std::vector<std::string> entry_ids;
  for (auto it = std::sregex_iterator(entry.begin(), entry.end(), id_re); it != std::sregex_iterator(); ++it) {
    std::string id = (*it)[1];
    if (id.rfind("trace-", 0) == 0) entry_ids.push_back(id);
  }
  ASSERT_FALSE(entry_ids.empty());
  for (const std::string& id : entry_ids) {
    std::string printed = "trace-camille-rochat-mon-mandat-" + id.substr(6);
    EXPECT_NE(print.find("id=\"" + printed + "\""), std::string::npos) << printed;
  }
  std::set<std::string> seen;
  const std::regex any_id(" id=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(print.begin(), print.end(), any_id); it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(seen.insert((*it)[1]).second) << "duplicate id " << (*it)[1];
  }
  EXPECT_NE(print.find(element_text(entry, "h2")), std::string::npos);
}
