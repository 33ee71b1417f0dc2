// The default site against the seed documents it was transcribed from: the
// expected values are read from the seed text here, not typed again.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "support.h"

using namespace cartable_test;

namespace {

fs::path g_out;
RunResult g_run;

class DefaultSite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::path dir = temp_dir("default-site");
    copy_default_site(dir);
    g_run = run_cartable(dir, "build");
    g_out = dir / "public";
  }
  static std::string page(const std::string& rel) { return read(g_out / rel / "index.html"); }
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep)) parts.push_back(part);
  return parts;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return s;
}

int leading_int(const std::string& s) {
  std::smatch m;
  return std::regex_search(s, m, std::regex(R"((\d+))")) ? std::stoi(m[1]) : -1;
}

std::string html_escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\'') out += "&apos;";
    else if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

}  // namespace

TEST_F(DefaultSite, BuildsWithoutErrors) {
  EXPECT_EQ(g_run.status, 0) << g_run.err;
  EXPECT_TRUE(fs::exists(g_out / "index.html"));
}

// Section 6 of seed 000: one row per module and the certifying work.
TEST_F(DefaultSite, EveryModuleShowsTheEctsPeriodsAndHoursOfTheSeed) {
  std::string text = seed("000_08afdc47b96f1706.txt");
  int rows = 0;
  for (const std::string& line : split(text, '\n')) {
    std::vector<std::string> cols = split(line, '\t');
    if (cols.size() < 4) continue;
    std::string slug;
    std::smatch m;
    if (std::regex_search(cols[0], m, std::regex(R"(^Module (\d) )"))) slug = "m" + m[1].str();
    else if (cols[0].rfind("Travail certificatif", 0) == 0) slug = "travail-certificatif";
    else continue;
    ++rows;
    SCOPED_TRACE(slug);
    std::string html = page("modules/" + slug);
    ASSERT_FALSE(html.empty());
    EXPECT_EQ(fact(html, "Crédits ECTS"), trim(cols[1]));
    std::string periods = trim(cols[2]);
    if (periods.empty()) {
      EXPECT_EQ(fact(html, "Temps de cours"), "");
    } else {
      EXPECT_EQ(fact(html, "Temps de cours"), periods);  // e.g. "32 périodes en 5 moments de formation"
    }
    int hours = leading_int(cols[3]);
    EXPECT_EQ(fact(html, "Travail individuel pour les tâches du portfolio"), "Env. " + std::to_string(hours) + " heures");
  }
  EXPECT_EQ(rows, 5);
}

// "Ce module comprend 9 jours", "se compose de 3½ jours"... in section 8.
TEST_F(DefaultSite, EveryModuleShowsItsDaysOfTraining) {
  std::string text = seed("000_08afdc47b96f1706.txt");
  std::regex heading(R"(\n8\.(\d)\. Module \d[^\t\n]*\n)");  // not the table of contents (tab, page)
  std::regex days(R"((?:comprend|compose de) (\S+) jours de formation)");
  int found = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), heading); it != std::sregex_iterator(); ++it) {
    std::string rest = text.substr(it->position() + it->length(), 400);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(rest, m, days));
    std::string html = page("modules/m" + (*it)[1].str());
    EXPECT_EQ(fact(html, "Jours de formation"), m[1].str()) << "module " << (*it)[1];
    ++found;
  }
  EXPECT_EQ(found, 4);
}

TEST_F(DefaultSite, ModuleOneKeepsItsALaCarteMinimum) {
  std::string html = page("modules/m1");
  EXPECT_NE(html.find("Minimum 48 périodes de formation"), std::string::npos);
  EXPECT_EQ(fact(html, "Minimum à suivre"), "48 périodes");
}

TEST_F(DefaultSite, TotalsAreComputedNotCopied) {
  std::string table = visible_text(page("").substr(page("").find("<tfoot>")));
  // 4+3+3+3+2, 80+32+28+36, and 30+40+50+50+50 (the seed prints "Env. 210").
  EXPECT_EQ(table.rfind("TOTAL 15 176 périodes Env. 220 heures", 0), 0u) << table;
}

TEST_F(DefaultSite, TheSeedsHoursDiscrepancyIsAWarningWithFileAndLine) {
  auto [line, col] = position_of(fs::path(CARTABLE_SOURCE_DIR) / "content/programme.md", "210");
  std::string expected = "content/programme.md:" + std::to_string(line) + ":" + std::to_string(col) + ": warning: ";
  EXPECT_NE(g_run.err.find(expected), std::string::npos) << g_run.err;
  EXPECT_NE(g_run.err.find("(210) differs from the sum over the modules (220)"), std::string::npos) << g_run.err;
}

// The annex of seed 000: "1.0<TAB>Citoyenneté numérique ...".
TEST_F(DefaultSite, AllSeventeenRcNumSoSubDomainsHaveTheirPage) {
  std::string text = seed("000_08afdc47b96f1706.txt");
  text = text.substr(text.find("Tableau résumé des 6 domaines"));
  std::regex row(R"((?:^|\n)(\d\.\d)\t([^\t\n]+))");
  int n = 0;
  std::string framework = page("referentiels/rc-num-so");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), row); it != std::sregex_iterator(); ++it, ++n) {
    std::string code = (*it)[1], title = trim((*it)[2]);
    SCOPED_TRACE(code);
    std::string html = page("referentiels/rc-num-so/" + code);
    EXPECT_EQ(element_text(html, "h1"), code + " " + title);
    EXPECT_NE(framework.find("href=\"/referentiels/rc-num-so/" + code + "/\""), std::string::npos);
  }
  EXPECT_EQ(n, 17);
}

TEST_F(DefaultSite, RcNumSoDomainsCarryTheAnnexDescriptions) {
  std::string text = seed("000_08afdc47b96f1706.txt");
  std::string html = page("referentiels/rc-num-so/4");
  EXPECT_EQ(element_text(html, "h1"), "4 Évaluation");
  std::string description = "En utilisant les technologies numériques dans l'enseignement et l'apprentissage";
  ASSERT_NE(text.find(description), std::string::npos);
  EXPECT_NE(visible_text(html).find(description), std::string::npos);
}

// Seed 002: "A. ...", then "Compétences", then "1. ..." lines.
TEST_F(DefaultSite, AllTwentyFiveCompetencesOf2009HaveTheirFullText) {
  std::string text = seed("002_570047b22abf43ce.txt");
  text = text.substr(text.find("Référentiel national des compétences professionnelles des personnels d'encadrement pour le déploiement"));
  text = text.substr(0, text.find("Composition du groupe"));
  std::string domain;
  int n = 0;
  std::map<std::string, int> per_domain;
  for (const std::string& raw : split(text, '\n')) {
    std::string line = trim(raw);
    std::smatch m;
    if (std::regex_match(line, m, std::regex(R"(([ABC])\. .+)"))) domain = m[1];
    else if (std::regex_match(line, m, std::regex(R"((\d+)\. (.+))")) && !domain.empty()) {
      std::string code = domain + "." + m[1].str();
      SCOPED_TRACE(code);
      std::string html = page("referentiels/encadrement-2009/" + code);
      EXPECT_EQ(element_text(html, "h1"), code + " " + trim(m[2]));
      ++n;
      ++per_domain[domain];
    }
  }
  EXPECT_EQ(n, 25);
  EXPECT_EQ(per_domain["A"], 10);
  EXPECT_EQ(per_domain["B"], 9);
  EXPECT_EQ(per_domain["C"], 6);
}

// Seed 001: "Item N : title" followed by its criteria, one per line.
TEST_F(DefaultSite, AllEightInspeItemsWithTheirCriteria) {
  std::string text = seed("001_f98227469d526591.txt");
  text = text.substr(text.find("Phase 1 : Conception"), text.find("À LIRE AUSSI") - text.find("Phase 1 : Conception"));
  std::vector<std::string> lines = split(text, '\n');
  int items = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    std::string line = trim(lines[i]);
    if (!std::regex_match(line, m, std::regex(R"(Item (\d) : (.+))"))) continue;
    ++items;
    std::string html = page("referentiels/inspe-grille/item-" + m[1].str());
    SCOPED_TRACE(line);
    EXPECT_EQ(element_text(html, "h1"), "item-" + m[1].str() + " " + trim(m[2]));
    int criteria = 0;
    for (size_t j = i + 1; j < lines.size(); ++j) {
      std::string c = trim(lines[j]);
      if (c.rfind("Item ", 0) == 0 || c.rfind("Phase ", 0) == 0) break;
      if (c.empty()) continue;
      ++criteria;
      EXPECT_NE(html.find("<li>" + html_escaped(c) + "</li>"), std::string::npos) << c;
    }
    EXPECT_GE(criteria, 2);
  }
  EXPECT_EQ(items, 8);
}

TEST_F(DefaultSite, CrcneHasFiveDomainsAndFourLevels) {
  std::string html = page("referentiels/crcne");
  for (int d = 1; d <= 5; ++d) EXPECT_TRUE(fs::exists(g_out / ("referentiels/crcne/" + std::to_string(d) + "/index.html")));
  for (const char* level : {"Initié", "Confirmé", "Avancé", "Expert"}) {
    EXPECT_NE(html.find(std::string("<li>") + level + "</li>"), std::string::npos) << level;
  }
}

TEST_F(DefaultSite, ReferentNumeriqueMissionsAndPixEduDomains) {
  for (const char* code : {"1.a", "1.b", "1.c", "1.d", "2.a", "2.b", "2.c"}) {
    EXPECT_TRUE(fs::exists(g_out / "referentiels/referent-numerique" / code / "index.html")) << code;
  }
  EXPECT_EQ(element_text(page("referentiels/pix-edu/2"), "h1"), "2 Gestion des ressources numériques");
}

// Every competency a module names links back to the module, and the other way.
TEST_F(DefaultSite, CompetencyPagesLinkBackToTheirModules) {
  auto catalogue = nlohmann::json::parse(read(g_out / "api/catalogue.json"));
  int links = 0;
  for (const auto& m : catalogue["modules"]) {
    std::string module_url = "/modules/" + m["id"].get<std::string>() + "/";
    std::string module_html = page("modules/" + m["id"].get<std::string>());
    for (const auto& ref : m["competencies"]) {
      std::string r = ref.get<std::string>();
      EXPECT_NE(page("referentiels/" + r).find("href=\"" + module_url + "\""), std::string::npos) << r;
      EXPECT_NE(module_html.find("href=\"/referentiels/" + r + "/\""), std::string::npos) << r;
      ++links;
    }
  }
  EXPECT_GT(links, 10);
  // 4.2 is developed by no module: the page says so.
  EXPECT_NE(page("referentiels/rc-num-so/4.2").find("Aucun module"), std::string::npos);
}

TEST_F(DefaultSite, CatalogueJsonDescribesProgrammeModulesAndFrameworks) {
  auto c = nlohmann::json::parse(read(g_out / "api/catalogue.json"));
  EXPECT_EQ(c["programme"]["totals"]["ects"], 15);
  EXPECT_EQ(c["programme"]["totals"]["self_study_hours"], 220);
  EXPECT_EQ(c["modules"].size(), 5u);
  EXPECT_EQ(c["frameworks"].size(), 6u);
  EXPECT_EQ(c["modules"][0]["a_la_carte_min_periods"], 48);
}

TEST_F(DefaultSite, ProgrammePageHasCourseJsonLd) {
  std::string html = page("");
  auto start = html.find("<script type=\"application/ld+json\">");
  ASSERT_NE(start, std::string::npos);
  start = html.find('>', start) + 1;
  auto ld = nlohmann::json::parse(html.substr(start, html.find("</script>", start) - start));
  EXPECT_EQ(ld["@type"], "Course");
  EXPECT_EQ(ld["provider"]["name"], "Haute École Pédagogique BEJUNE");
  EXPECT_EQ(ld["numberOfCredits"]["value"], 15);
  EXPECT_EQ(ld["hasPart"].size(), 5u);
}

TEST_F(DefaultSite, SitemapListsEveryPage) {
  std::string sitemap = read(g_out / "sitemap.xml");
  size_t pages = 0;
  for (const auto& [path, bytes] : snapshot(g_out)) {
    if (path.size() < 10 || path.substr(path.size() - 10) != "index.html") continue;
    ++pages;
    std::string url = "https://cas-cne.hep-bejune.ch/" + path.substr(0, path.size() - 10);
    EXPECT_NE(sitemap.find("<loc>" + url + "</loc>"), std::string::npos) << url;
  }
  EXPECT_GT(pages, 90u);
}

TEST_F(DefaultSite, PagesAreAccessibleByConstruction) {
  for (const auto& [path, html] : snapshot(g_out)) {
    if (path.find(".html") == std::string::npos) continue;
    SCOPED_TRACE(path);
    EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
    EXPECT_NE(html.find("<main id=\"contenu\""), std::string::npos);
    EXPECT_NE(html.find("class=\"skip-link\" href=\"#contenu\""), std::string::npos);
    // Exactly one h1 per page.
    size_t h1 = 0;
    for (size_t at = html.find("<h1"); at != std::string::npos; at = html.find("<h1", at + 1)) ++h1;
    EXPECT_EQ(h1, 1u);
    EXPECT_EQ(html.find("<script>"), std::string::npos);  // no JavaScript needed
  }
}

// Strict templates: every name a template of the default theme reads is set
// by cartable on every page of both audiences (and with validations made
// public), so a typo in a template fails the build instead of rendering
// nothing.
TEST(StrictTemplates, TheDefaultSiteBuildsStrictInBothAudiences) {
  fs::path dir = temp_dir("strict-site");
  copy_default_site(dir);
  RunResult pub = run_cartable(dir, "build --no-search");
  EXPECT_EQ(pub.status, 0) << pub.err;
  EXPECT_EQ(pub.err.find("template"), std::string::npos) << pub.err;
  RunResult experts = run_cartable(dir, "build --no-search --audience experts --out experts");
  EXPECT_EQ(experts.status, 0) << experts.err;
  EXPECT_EQ(experts.err.find("template"), std::string::npos) << experts.err;
  EXPECT_TRUE(fs::exists(dir / "experts/experts/index.html"));
  write(dir / "site.yaml", read(dir / "site.yaml") + "public_validation: true\n");
  RunResult validated = run_cartable(dir, "build --no-search");
  EXPECT_EQ(validated.status, 0) << validated.err;
  fs::remove_all(dir);
}

TEST(StrictTemplates, ATypoInATemplateFailsTheBuildAtItsPlace) {
  fs::path dir = temp_dir("strict-typo");
  copy_default_site(dir);
  ASSERT_EQ(run_cartable(dir, "build --no-search").status, 0);
  std::string before = read(dir / "public/index.html");
  fs::path session = dir / "themes/default/templates/session.mustache";
  replace_in_file(session, "<span class=\"address\">{{place_address}}</span>", "<span class=\"address\">{{place_adress}}</span>");
  auto [line, col] = position_of(session, "{{place_adress}}");
  // In a partial, pasted into several templates when the theme loads: the
  // error names the partial's own file, once.
  fs::path entry = dir / "themes/default/templates/_entry.mustache";
  replace_in_file(entry, "{{date_label}}", "{{date_lable}}");
  auto [entry_line, entry_col] = position_of(entry, "{{date_lable}}");
  RunResult r = run_cartable(dir, "build --no-search");
  EXPECT_NE(r.status, 0);
  std::string at = "themes/default/templates/session.mustache:" + std::to_string(line) + ":" + std::to_string(col) + ": error: ";
  EXPECT_NE(r.err.find(at + "unknown template variable or section 'place_adress'"), std::string::npos) << r.err;
  std::string entry_at = "themes/default/templates/_entry.mustache:" + std::to_string(entry_line) + ":" + std::to_string(entry_col) + ": error: ";
  size_t first = r.err.find(entry_at + "unknown template variable or section 'date_lable'");
  EXPECT_NE(first, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(entry_at, first + 1), std::string::npos) << r.err;
  EXPECT_EQ(read(dir / "public/index.html"), before);  // the published site is left as it was
  fs::remove_all(dir);
}

// Issue #18: the ids the participants' guide sends people to copy from the
// pages are on them, and what a page shows is what a build accepts in an
// entry's front matter.
TEST(VisibleIds, ModuleTaskAndCompetencyIdsShownAreTheOnesABuildAccepts) {
  fs::path dir = temp_dir("visible-ids");
  copy_default_site(dir);
  ASSERT_EQ(run_cartable(dir, "build --no-search").status, 0);
  std::string module_page = read(dir / "public/modules/m4/index.html");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(module_page, m, std::regex(R"(<h1>[^<]*</h1>\s*<p class="ref-id">[^<]+<code>([^<]+)</code></p>)")));
  std::string module_id = m[1];
  // Each task shows its id, in the order of the module's file.
  std::vector<std::string> shown, declared;
  std::regex task_id(R"(<li id="tache-[^"]*">.*?<span class="ref-id">[^<]+<code>([^<]+)</code></span>)");
  for (auto it = std::sregex_iterator(module_page.begin(), module_page.end(), task_id); it != std::sregex_iterator(); ++it) {
    shown.push_back((*it)[1]);
  }
  std::string source = read(dir / "content/modules/m4.md");
  std::regex declared_id(R"(\n  - id: (\S+))");
  for (auto it = std::sregex_iterator(source.begin(), source.end(), declared_id); it != std::sregex_iterator(); ++it) {
    declared.push_back((*it)[1]);
  }
  ASSERT_FALSE(declared.empty());
  EXPECT_EQ(shown, declared);
  std::string competency_page = read(dir / "public/referentiels/rc-num-so/3.1/index.html");
  ASSERT_TRUE(std::regex_search(competency_page, m, std::regex(R"(<p class="ref-id">[^<]+<code>([^<]+)</code></p>)")));
  std::string ref = m[1];
  // A domain page shows its own reference, which entries may name too.
  std::string domain_page = read(dir / "public/referentiels/rc-num-so/3/index.html");
  std::smatch dm;
  ASSERT_TRUE(std::regex_search(domain_page, dm, std::regex(R"(<p class="ref-id">[^<]+<code>([^<]+)</code></p>)")));

  // Copied as shown into a new entry: the build accepts it and lists the
  // entry on the competency's and the domain's pages.
  write(dir / "portfolios/camille-rochat/ids-copies.md",
        "---\ntitle: Ids recopiés depuis les pages\ndate: 2027-10-15\nmodule: " + module_id + "\ntask: " + shown.at(0) +
            "\ncompetencies:\n  - " + ref + "\n  - " + dm[1].str() + "\n---\nTexte.\n");
  RunResult r = run_cartable(dir, "build --no-search");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("ids-copies"), std::string::npos) << r.err;
  EXPECT_NE(read(dir / "public/referentiels/rc-num-so/3.1/index.html").find("Ids recopiés depuis les pages"), std::string::npos);
  EXPECT_NE(read(dir / "public/referentiels/rc-num-so/3/index.html").find("Ids recopiés depuis les pages"), std::string::npos);
  fs::remove_all(dir);
}
