// The machine-readable views of the catalogue (api/catalogue.json, the
// schema.org Course, sitemap.xml) on the small site of
// tests/fixture_site.h, read back with a JSON parser. Totals are summed here
// from the fixture's modules (4 + 6 + 2 ECTS, 30 + 45 + 0 periods,
// 40 + 60 + 50 hours), not taken from cartable.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fixture_site.h"
#include "index/index.h"
#include "render/render.h"

using namespace cartable;
using Json = nlohmann::json;

namespace {

struct CatalogueTest : cartable_test::IndexedFixture {};

std::vector<std::string> strings(const Json& list, const char* key) {
  std::vector<std::string> out;
  for (const Json& item : list) out.push_back(item.at(key).get<std::string>());
  return out;
}

using Texts = std::vector<std::string>;

}  // namespace

TEST_F(CatalogueTest, TotalsAreTheSumsOfTheModules) {
  load();
  Json j = Json::parse(catalogue_json(*index));
  EXPECT_EQ(j["format"], "cartable-catalogue");
  EXPECT_EQ(j["programme"]["totals"]["ects"], 12.0);
  EXPECT_EQ(j["programme"]["totals"]["periods"], 75);
  EXPECT_EQ(j["programme"]["totals"]["self_study_hours"], 150);
  EXPECT_EQ(j["programme"]["url"], "https://example.org/cas/");
}

TEST_F(CatalogueTest, ListsModulesFrameworksAndCrosswalksWithAbsoluteUrls) {
  load();
  Json j = Json::parse(catalogue_json(*index));
  EXPECT_EQ(strings(j["modules"], "id"), (Texts{"m1", "m2", "tc"}));
  EXPECT_EQ(j["modules"][1]["competencies"], (Json{"a/1.1", "b/X.2"}));
  EXPECT_EQ(j["modules"][1]["url"], "https://example.org/cas/modules/m2/");
  EXPECT_EQ(strings(j["modules"][0]["tasks"], "id"), Texts{"t1"});
  EXPECT_EQ(strings(j["frameworks"], "id"), (Texts{"a", "b"}));
  const Json& domain1 = j["frameworks"][0]["domains"][0];
  EXPECT_EQ(strings(domain1["competencies"], "ref"), (Texts{"a/1.1", "a/1.2"}));
  EXPECT_EQ(domain1["competencies"][0]["url"], "https://example.org/cas/referentiels/a/1.1/");
  ASSERT_EQ(j["crosswalks"].size(), 1u);
  EXPECT_EQ(j["crosswalks"][0]["equivalences"], (Json{{"a/1.1", {"b/X.1"}}}));
}

// Enough of the calendar to resolve session: links elsewhere: where a
// session is now (after its move), and its status.
TEST_F(CatalogueTest, SessionsAreWhereTheyAreNow) {
  load();
  Json j = Json::parse(catalogue_json(*index));
  EXPECT_EQ(strings(j["sessions"], "id"), (Texts{"s1", "s2", "s3"}));
  EXPECT_EQ(j["sessions"][1]["start"], "2027-03-13 09:00");
  EXPECT_EQ(j["sessions"][1]["end"], "2027-03-13 16:00");
  EXPECT_EQ(j["sessions"][2]["status"], "cancelled");
}

// Changing a module changes the totals: nothing is typed twice.
TEST_F(CatalogueTest, AModulesCreditsFlowIntoTheTotals) {
  std::string m2;
  ASSERT_TRUE(fixture.files->read("content/modules/m2.md", &m2));
  fixture.add("content/modules/m2.md", m2.replace(m2.find("ects: 6"), 7, "ects: 7.5"));
  load();
  Json j = Json::parse(catalogue_json(*index));
  EXPECT_EQ(j["programme"]["totals"]["ects"], 13.5);
  Json course = Json::parse(course_json_ld(*index));
  EXPECT_EQ(course["numberOfCredits"]["value"], 13.5);
}

TEST_F(CatalogueTest, TheCourseIsASchemaOrgCourseWithItsModulesAsParts) {
  load();
  Json course = Json::parse(course_json_ld(*index));
  EXPECT_EQ(course["@type"], "Course");
  EXPECT_EQ(course["name"], "CAS Programme fixture");
  EXPECT_EQ(course["courseCode"], "CAS FX");
  EXPECT_EQ(course["numberOfCredits"]["value"], 12.0);
  EXPECT_EQ(course["provider"]["address"]["postalCode"], "2500");
  EXPECT_EQ(course["provider"]["address"]["addressLocality"], "Bienne");
  EXPECT_EQ(strings(course["hasPart"], "url"),
            (Texts{"https://example.org/cas/modules/m1/", "https://example.org/cas/modules/m2/",
                   "https://example.org/cas/modules/tc/"}));
}

TEST_F(CatalogueTest, TheSitemapListsAbsoluteEscapedUrls) {
  load();
  std::string xml = sitemap_xml(*index, {"/cas/", "/cas/a&b/"});
  EXPECT_NE(xml.find("<url><loc>https://example.org/cas/</loc></url>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<url><loc>https://example.org/cas/a&amp;b/</loc></url>"), std::string::npos) << xml;
}

// Search engines read at most 50,000 URLs or 50 MB from one sitemap file.
TEST_F(CatalogueTest, ALargeSiteGetsASitemapIndex) {
  load();
  std::vector<std::string> urls;
  for (int i = 0; i < 12; ++i) urls.push_back("/cas/p" + std::to_string(i) + "/");
  auto small = sitemap_files(*index, urls, 12);
  ASSERT_EQ(small.size(), 1u);
  EXPECT_EQ(small[0].first, "sitemap.xml");
  EXPECT_EQ(small[0].second, sitemap_xml(*index, urls));

  auto files = sitemap_files(*index, urls, 5);
  ASSERT_EQ(files.size(), 4u);  // the index, then 5 + 5 + 2 URLs
  EXPECT_EQ(files[0].first, "sitemap.xml");
  EXPECT_NE(files[0].second.find("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"), std::string::npos);
  std::string all;
  for (size_t i = 1; i < files.size(); ++i) {
    EXPECT_EQ(files[i].first, "sitemap-" + std::to_string(i) + ".xml");
    EXPECT_NE(files[0].second.find("<sitemap><loc>https://example.org/cas/" + files[i].first + "</loc></sitemap>"),
              std::string::npos);
    size_t count = 0;
    for (size_t at = files[i].second.find("<url>"); at != std::string::npos; at = files[i].second.find("<url>", at + 1)) ++count;
    EXPECT_LE(count, 5u);
    all += files[i].second;
  }
  for (const std::string& u : urls) {
    std::string loc = "<loc>https://example.org" + u + "</loc>";
    size_t at = all.find(loc);
    EXPECT_NE(at, std::string::npos) << u;
    EXPECT_EQ(all.find(loc, at + 1), std::string::npos) << u << " listed twice";
  }
  // The byte limit splits as well.
  auto by_size = sitemap_files(*index, urls, 50000, 400);
  ASSERT_GT(by_size.size(), 2u);
  for (const auto& [path, bytes] : by_size) EXPECT_LE(bytes.size(), 400u) << path;
}

TEST(Catalogue, JsonInAScriptElementCannotCloseIt) {
  std::string safe = escape_json_for_script("{\"a\":\"</script><b>\"}");
  EXPECT_EQ(safe.find("</"), std::string::npos);
  EXPECT_EQ(Json::parse(safe)["a"], "</script><b>");
}

TEST(Catalogue, HalfDaysArePrintedAsTheProgrammeDoes) {
  EXPECT_EQ(format_days(3.5), "3½");
  EXPECT_EQ(format_days(0.5), "½");
  EXPECT_EQ(format_days(4), "4");
}
