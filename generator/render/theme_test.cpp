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

TEST(StrictTemplates, AMistypedVariableIsAnErrorAtItsLine) {
  auto errors = strict_errors("<h1>Lieu</h1>\n<p>{{place_adress}}</p>\n", {place("Bienne")});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("themes/t/templates/page.mustache:2:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("'place_adress'"), std::string::npos) << errors[0];
}

TEST(StrictTemplates, AnOptionalValueSetOnSomePagesIsNotAnError) {
  cartable::Data with = place("Bienne");
  with.set("note", "Salle 12");
  EXPECT_TRUE(strict_errors("{{place_address}}{{#note}} ({{note}}){{/note}}", {place("Delémont"), with}).empty());
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
