#include "render/theme.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace cartable;
namespace fs = std::filesystem;

TEST(Theme, LoadsTemplatesStringsAndStatics) {
  fs::path dir = fs::temp_directory_path() / ("cartable-theme-" + std::to_string(::getpid()));
  fs::create_directories(dir / "templates");
  fs::create_directories(dir / "static/css");
  std::ofstream(dir / "templates/page.mustache") << "<h1>{{t.nav.home}}</h1>{{{content}}}{{x}}{{t.nav.quote}}{{{t.nav.quote}}}";
  std::ofstream(dir / "strings.fr.yaml") << "nav:\n  home: Accueil\n  quote: \"l'a\"\n";
  std::ofstream(dir / "static/css/style.css") << "body{}";
  Diagnostics diags;
  Theme theme = load_theme(dir.string(), "fr", diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_EQ(ui(theme, "nav.home"), "Accueil");
  EXPECT_EQ(theme.static_files, std::vector<std::string>{"css/style.css"});
  TemplateSet set(theme);
  Data d;
  d.set("t", theme.strings);
  d.set("content", "<p>ok</p>");
  d.set("x", "<b>");
  // UI strings are written into the templates once, escaped unless {{{...}}}.
  EXPECT_EQ(set.render("page", d), "<h1>Accueil</h1><p>ok</p>&lt;b&gt;l&apos;al'a");
  fs::remove_all(dir);
}

namespace {

// Renders `pages` (one data object each) with the "page" template in strict
// mode and returns the diagnostics' messages.
std::vector<std::string> strict_errors(const std::string& source, const std::vector<cartable::Data>& pages) {
  cartable::Theme theme;
  theme.dir = "themes/t";
  theme.templates["page"] = source;
  cartable::TemplateSet set(theme);
  cartable::TemplateUsage usage(set);
  set.record_usage(&usage);
  for (const cartable::Data& d : pages) set.render("page", d);
  cartable::Diagnostics diags;
  usage.report(theme, diags);
  std::vector<std::string> out;
  for (const auto& d : diags.sorted()) out.push_back(cartable::format_diagnostic(d));
  return out;
}

cartable::Data place(const std::string& address) {
  cartable::Data d;
  d.set("place_address", address);
  return d;
}

}  // namespace

TEST(StrictTemplates, AMistypedVariableIsAnErrorAtItsLineAndColumn) {
  auto errors = strict_errors("<h1>Lieu</h1>\n<p>{{place_adress}}</p>\n", {place("Bienne")});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("themes/t/templates/page.mustache:2:4:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("'place_adress'"), std::string::npos) << errors[0];
}

TEST(StrictTemplates, AValueLeftUnsetOnOnePageIsAnError) {
  // View models set every name their template reads: an optional value is
  // false when absent, never missing, so a miss on any page is a typo.
  cartable::Data with = place("Bienne");
  with.set("note", "Salle 12");
  auto errors = strict_errors("{{place_address}}{{#note}} ({{note}}){{/note}}", {place("Delémont"), with});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("page.mustache:1:18:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("'note'"), std::string::npos) << errors[0];
}

TEST(StrictTemplates, AnOptionalValueSetToFalseIsNotAnError) {
  cartable::Data without = place("Delémont");
  without.set("note", false);
  cartable::Data with = place("Bienne");
  with.set("note", "Salle 12");
  EXPECT_TRUE(strict_errors("{{place_address}}{{#note}} ({{note}}){{/note}}", {without, with}).empty());
}

TEST(StrictTemplates, ANameFoundInAnEnclosingObjectIsNotAnError) {
  cartable::Data d = place("Bienne");
  cartable::List rooms;
  cartable::Data room;
  room.set("name", "B12");
  rooms.push_back(std::move(room));
  d.set("rooms", std::move(rooms));
  EXPECT_TRUE(strict_errors("{{#rooms}}{{name}}, {{place_address}}{{/rooms}}", {d}).empty());
}

TEST(StrictTemplates, AMistypedSectionIsAnError) {
  auto errors = strict_errors("{{#note}}{{note}}{{/note}}{{#notes}}x{{/notes}}", {[] {
                                cartable::Data d;
                                d.set("note", "n");
                                return d;
                              }()});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("'notes'"), std::string::npos);
}

TEST(StrictTemplates, TagsInsideSectionsThatNeverOpenAreNotJudged) {
  EXPECT_TRUE(strict_errors("{{^hidden}}{{place_address}}{{/hidden}}{{#empty}}{{typo}}{{/empty}}", {[] {
                              cartable::Data d = place("Bienne");
                              d.set("hidden", false);
                              d.set("empty", cartable::Value::list());
                              return d;
                            }()})
                  .empty());
}

// Partials and UI strings are pasted into templates when the theme loads; a
// typo is still reported in the file the theme author edits, at its place.
TEST(StrictTemplates, ATypoInAPartialIsReportedInThePartialsFile) {
  fs::path dir = fs::temp_directory_path() / ("cartable-strict-" + std::to_string(::getpid()));
  fs::create_directories(dir / "templates");
  std::ofstream(dir / "templates/page.mustache") << "<h1>{{t.title}}</h1>\n<ul>\n{{#places}}\n{{> _place}}\n{{/places}}\n</ul>\n";
  std::ofstream(dir / "templates/_place.mustache") << "<li>\n  {{t.where}} « {{place_adress}} »\n</li>\n";
  std::ofstream(dir / "strings.fr.yaml") << "title: \"Lieux\\nde formation\"\nwhere: Adresse\n";
  cartable::Diagnostics diags;
  cartable::Theme theme = cartable::load_theme(dir.string(), "fr", diags);
  ASSERT_FALSE(diags.has_errors());
  cartable::TemplateSet set(theme);
  cartable::TemplateUsage usage(set);
  set.record_usage(&usage);
  cartable::Data d;
  cartable::List places;
  places.push_back(place("Bienne"));
  places.push_back(place("Delémont"));
  d.set("places", std::move(places));
  EXPECT_NE(set.render("page", d).find("<h1>Lieux\nde formation</h1>"), std::string::npos);
  usage.report(theme, diags);
  std::vector<std::string> errors;
  for (const auto& e : diags.sorted()) errors.push_back(cartable::format_diagnostic(e));
  ASSERT_EQ(errors.size(), 1u);  // once, though rendered twice
  EXPECT_EQ(errors[0].rfind((dir / "templates/_place.mustache").lexically_normal().generic_string() + ":2:17: error:", 0), 0u)
      << errors[0];
  fs::remove_all(dir);
}

TEST(StrictTemplates, ATemplateErrorIsReportedInItsFile) {
  fs::path dir = fs::temp_directory_path() / ("cartable-strict-error-" + std::to_string(::getpid()));
  fs::create_directories(dir / "templates");
  std::ofstream(dir / "templates/page.mustache") << "<main>\n{{> _part}}\n</main>\n";
  std::ofstream(dir / "templates/_part.mustache") << "<p>\n {{#open}}x\n</p>\n";
  std::ofstream(dir / "strings.fr.yaml") << "a: b\n";
  cartable::Diagnostics diags;
  cartable::Theme theme = cartable::load_theme(dir.string(), "fr", diags);
  cartable::TemplateSet set(theme, &diags);
  bool found = false;
  for (const auto& e : diags.sorted()) {
    std::string text = cartable::format_diagnostic(e);
    found = found || text.rfind((dir / "templates/_part.mustache").lexically_normal().generic_string() + ":2:2: error:", 0) == 0;
  }
  EXPECT_TRUE(found);
  fs::remove_all(dir);
}
