// The experts' view: readiness computed from the certification rules, the
// cohort overview, and audiences that cannot leak, search index included.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "support.h"

using namespace cartable_test;

namespace {

fs::path g_site;

class Experts : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Readiness counts the training held by the build's today: 1 August
    // 2028, after the whole calendar, as the expectations are written.
    ::setenv("SOURCE_DATE_EPOCH", "1848700800", 1);
    g_site = temp_dir("experts");
    copy_default_site(g_site);
    std::string pagefind = std::string(" --pagefind ") + CARTABLE_PAGEFIND;
    ASSERT_EQ(run_cartable(g_site, "build" + pagefind).status, 0);
    ASSERT_EQ(run_cartable(g_site, "build --audience experts --out experts" + pagefind).status, 0);
  }
  static void TearDownTestSuite() { ::unsetenv("SOURCE_DATE_EPOCH"); }
  static std::string pub(const std::string& rel) { return read(g_site / "public" / rel); }
  static std::string exp(const std::string& rel) { return read(g_site / "experts" / rel); }
};

// The row of the overview table for one participant, as visible text.
std::string overview_row(const std::string& html, const std::string& slug) {
  auto at = html.find("href=\"/portfolios/" + slug + "/\"");
  if (at == std::string::npos) return "";
  auto end = html.find("</tr>", at);
  return visible_text(html.substr(at - 20, end - at + 20));
}

// Every file of a build, gzip-compressed ones (Pagefind's index fragments)
// decompressed, that contains `marker`.
std::vector<std::string> files_containing(const fs::path& dir, const std::string& marker) {
  std::vector<std::string> out;
  for (const auto& [path, bytes] : snapshot(dir)) {
    std::string text = bytes;
    if (bytes.size() > 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b) {
      std::string cmd = "gzip -dc '" + (dir / path).string() + "'";
      FILE* pipe = popen(cmd.c_str(), "r");
      text.clear();
      char buf[4096];
      size_t n;
      while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
      pclose(pipe);
    }
    if (text.find(marker) != std::string::npos) out.push_back(path);
  }
  return out;
}

}  // namespace

// Expectations written by hand from portfolios/, content/assessments/ and
// content/attendance.yaml. Absences count by training time: the calendar's
// 21 non-cancelled sessions last 115 h 45 in all.
TEST_F(Experts, ReadinessOfTheExampleParticipants) {
  std::string html = exp("experts/index.html");
  // Inès: every task validated, 7 h 45 missed (6,7 %), 52 confirmed
  // à-la-carte periods, defence held and passed: ready.
  EXPECT_EQ(overview_row(html, "ines-maillard"),
            "Inès Maillard École secondaire du Plateau, Tavannes (exemple fictif) 3/3 2/2 3/3 2/2 1 (6,7 %) "
            "mercredi 24 mai 2028, 09h00 (tenue, réussie) Prêt·e");
  // Camille: attendance fine, but tasks missing or only submitted; the
  // defence is only planned.
  EXPECT_EQ(overview_row(html, "camille-rochat"),
            "Camille Rochat Collège des Sorbiers, Delémont (exemple fictif) 2/3 1/2 1/3 1/2 1 (3,5 %) "
            "mercredi 17 mai 2028, 14h00 (planifiée) À compléter");
  // Luca: five absences are 23,8 % of the sessions but 20,5 % of the
  // training time (23 h 45 of 115 h 45): over the limit either way.
  EXPECT_EQ(overview_row(html, "luca-ferrari"),
            "Luca Ferrari École primaire des Trois-Lacs, Bienne (exemple fictif) 2/3 2/2 1/3 1/2 5 (20,5 %) "
            "mercredi 17 mai 2028, 15h30 (planifiée) À compléter");
}

TEST_F(Experts, PortfolioPagesDetailTheConditions) {
  std::string camille = visible_text(exp("portfolios/camille-rochat/index.html"));
  EXPECT_NE(camille.find("✓ remplie : suivi régulier de tous les temps de formation"), std::string::npos) << camille;
  EXPECT_NE(camille.find("✗ non remplie : réalisation des tâches de chacun des modules — 5/10"), std::string::npos);
  EXPECT_NE(camille.find("✗ non remplie : réalisation en continu du portfolio numérique de formation"), std::string::npos);
  EXPECT_NE(camille.find("✗ non remplie : soutenance orale de celui-ci devant expert·e·s — mercredi 17 mai 2028, 14h00 (planifiée)"),
            std::string::npos);
  EXPECT_NE(camille.find("✗ non remplie : cours à la carte du module 1 (minimum 48 périodes de formation, confirmées par la HEP) — "
                         "0/48 périodes confirmées"),
            std::string::npos);
  // Each task with its state: a missing one, and one only submitted.
  EXPECT_NE(camille.find("Choix argumenté d'environnements numériques pour son établissement Manquante"), std::string::npos);
  EXPECT_NE(camille.find("Dispositif de veille techno-pédagogique et de diffusion aux collègues Soumise "
                         "Ma veille techno-pédagogique en trois outils"),
            std::string::npos);
  // The draft answers its task nowhere: the task stays missing.
  EXPECT_NE(camille.find("Retour réflexif sur l'accompagnement d'un·e collègue Manquante"), std::string::npos);
  // The missed session, with its date and duration.
  EXPECT_NE(camille.find("mercredi 2 décembre 2026 Les écrans, quelle place et quel impact dans et en dehors de l'école ? 4 h justifiée"),
            std::string::npos);
  std::string luca = visible_text(exp("portfolios/luca-ferrari/index.html"));
  EXPECT_NE(luca.find("✗ non remplie : suivi régulier de tous les temps de formation (au maximum 20% d'absence justifiée "
                      "au temps de formation) — 23 h 45 manquées sur 115 h 45 (20,5 %, limite 20 %)"),
            std::string::npos)
      << luca;
  EXPECT_NE(luca.find("samedi 4 septembre 2027 Le numérique au service des besoins éducatifs particuliers. Que mettre en place "
                      "dans son établissement ? 7 h 45 justifiée"),
            std::string::npos);
  // Group work counts for a coauthor who lists it under `coauthored`.
  EXPECT_NE(luca.find("Stratégie numérique de son établissement (document) Acquise"), std::string::npos);
  std::string ines = visible_text(exp("portfolios/ines-maillard/index.html"));
  EXPECT_NE(ines.find("Conditions de certification : Prêt·e"), std::string::npos);
  EXPECT_NE(ines.find("52/48 périodes confirmées"), std::string::npos);
  // The attestations, for the jury to open.
  EXPECT_EQ(exp("portfolios/ines-maillard/attestations/attestations-a-la-carte.pdf"),
            read(g_site / "portfolios/ines-maillard/attestations-a-la-carte.pdf"));
  EXPECT_NE(ines.find("Accessibilité des documents numériques mercredi 22 septembre 2027 16 attestations-a-la-carte.pdf ✓ confirmé"),
            std::string::npos);
}

TEST_F(Experts, FilteredViewsWorkWithoutJavaScript) {
  std::string ready = exp("experts/prets/index.html");
  std::string todo = exp("experts/a-completer/index.html");
  EXPECT_NE(ready.find("/portfolios/ines-maillard/"), std::string::npos);
  EXPECT_EQ(ready.find("/portfolios/luca-ferrari/\""), std::string::npos);
  EXPECT_NE(todo.find("/portfolios/luca-ferrari/"), std::string::npos);
  EXPECT_NE(todo.find("/portfolios/camille-rochat/"), std::string::npos);
  EXPECT_EQ(todo.find("href=\"/portfolios/ines-maillard/\""), std::string::npos);
  // The script that sorts and filters is an enhancement, in its own file.
  std::string all = exp("experts/index.html");
  EXPECT_NE(all.find("<script src=\"/js/tables.js\" defer></script>"), std::string::npos);
  EXPECT_NE(all.find("data-sortable"), std::string::npos);
  // The cohort matrix: one row per participant, 17 columns.
  auto matrix = all.substr(all.find("class=\"matrix\""));
  EXPECT_NE(matrix.find("Inès Maillard"), std::string::npos);
}

TEST_F(Experts, PublicBuildHasNoExpertsPagesNorAttendance) {
  EXPECT_FALSE(fs::exists(g_site / "public/experts"));
  EXPECT_EQ(pub(".htaccess").find("AuthType"), std::string::npos);  // media types only
  EXPECT_EQ(files_containing(g_site / "public", "17 mai 2028"), std::vector<std::string>{});
  EXPECT_EQ(files_containing(g_site / "public", "Conditions de certification"), std::vector<std::string>{});
  EXPECT_EQ(pub("robots.txt").find("Disallow: /"), std::string::npos);
  EXPECT_NE(pub("robots.txt").find("Sitemap: https://cas-cne.hep-bejune.ch/sitemap.xml"), std::string::npos);
}

TEST_F(Experts, ExpertsSiteIsProtectedAndNotIndexed) {
  std::string htaccess = exp(".htaccess");
  EXPECT_NE(htaccess.find("AuthType Basic"), std::string::npos);
  EXPECT_NE(htaccess.find("AuthUserFile /etc/cartable/experts.htpasswd"), std::string::npos);
  EXPECT_NE(htaccess.find("Require valid-user"), std::string::npos);
  std::string nginx = exp("nginx-experts.conf");
  EXPECT_NE(nginx.find("auth_basic_user_file /etc/cartable/experts.htpasswd;"), std::string::npos);
  EXPECT_NE(exp("robots.txt").find("Disallow: /"), std::string::npos);
  EXPECT_NE(exp("index.html").find("<meta name=\"robots\" content=\"noindex, nofollow\">"), std::string::npos);
  EXPECT_EQ(exp("sitemap.xml").find("<loc>"), std::string::npos);
}

// The leak test: markers in an experts-only portfolio and a private entry.
TEST_F(Experts, NoMarkerLeaksIntoTheWrongAudienceSearchIndexIncluded) {
  ASSERT_TRUE(fs::exists(g_site / "public/pagefind/pagefind-entry.json")) << "Pagefind did not run";
  ASSERT_TRUE(fs::exists(g_site / "experts/pagefind/pagefind-entry.json"));
  // The check sees inside the compressed index: a public word is found there.
  EXPECT_FALSE(files_containing(g_site / "public/pagefind", "théâtre-forum").empty());
  EXPECT_EQ(files_containing(g_site / "public", "MARQUEUR-EXPERTS-5e0a3c"), std::vector<std::string>{});
  EXPECT_EQ(files_containing(g_site / "public", "MARQUEUR-PRIVE-8b2d71"), std::vector<std::string>{});
  EXPECT_EQ(files_containing(g_site / "public", "MARQUEUR-BROUILLON-c4f1e9"), std::vector<std::string>{});
  std::vector<std::string> experts = files_containing(g_site / "experts", "MARQUEUR-EXPERTS-5e0a3c");
  EXPECT_TRUE(std::any_of(experts.begin(), experts.end(), [](const std::string& p) { return p.rfind("pagefind/", 0) == 0; }));
  EXPECT_TRUE(std::any_of(experts.begin(), experts.end(), [](const std::string& p) { return p.rfind("portfolios/", 0) == 0; }));
  EXPECT_EQ(files_containing(g_site / "experts", "MARQUEUR-PRIVE-8b2d71"), std::vector<std::string>{});
  EXPECT_EQ(files_containing(g_site / "experts", "MARQUEUR-BROUILLON-c4f1e9"), std::vector<std::string>{});
}

TEST_F(Experts, PrintViewHoldsEveryEntryOnOnePage) {
  std::string html = pub("portfolios/camille-rochat/impression/index.html");
  size_t sections = 0;
  for (size_t at = html.find("class=\"print-entry\""); at != std::string::npos; at = html.find("class=\"print-entry\"", at + 1)) ++sections;
  EXPECT_EQ(sections, 7u);  // 7 published entries; the draft is not one
  EXPECT_NE(html.find("théâtre-forum"), std::string::npos);  // bodies, not just titles
  EXPECT_NE(html.find("<script src=\"/js/print.js\" defer></script>"), std::string::npos);
  EXPECT_EQ(html.find("data-pagefind-body"), std::string::npos);  // not indexed twice
  EXPECT_NE(pub("portfolios/camille-rochat/index.html").find("href=\"/portfolios/camille-rochat/impression/\""), std::string::npos);
}

TEST_F(Experts, SearchPageSaysWhenSearchIsUnavailable) {
  fs::path dir = temp_dir("nosearch");
  copy_default_site(dir);
  ASSERT_EQ(run_cartable(dir, "build --no-search").status, 0);
  EXPECT_FALSE(fs::exists(dir / "public/pagefind"));
  EXPECT_NE(read(dir / "public/recherche/index.html").find("La recherche n&apos;est pas disponible"), std::string::npos);
  EXPECT_NE(pub("recherche/index.html").find("/pagefind/pagefind-ui.js"), std::string::npos);
  fs::remove_all(dir);
}
