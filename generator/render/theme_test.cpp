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
