#include "render/markdown.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

using namespace cartable;

namespace {

struct Fixture {
  Site site;
  std::unique_ptr<Index> index;
  Fixture() {
    site.config.base_path = "/";
    site.config.base_url = "https://example.org/";
    Module m;
    m.id = "m1";
    m.title = "Compétences en éducation numérique";
    site.modules.push_back(m);
    Framework fw;
    fw.id = "rc-num-so";
    fw.title = "RC Num SO";
    Domain d;
    d.code = "3";
    d.title = "Enseignement et apprentissage";
    d.competencies.push_back({"3.1", "Intégration critique du numérique", "", {}, {}});
    fw.domains.push_back(d);
    site.frameworks.push_back(fw);
    site.build_lookups();
    index = std::make_unique<Index>(site);
  }
  RenderedMarkdown render(const std::string& text, Diagnostics& diags, DirectiveRenderer dir = nullptr) {
    MarkdownOptions o;
    o.index = index.get();
    o.directives = dir;
    return render_markdown({text, {"page.md", 5, 1}}, o, diags);
  }
};

}  // namespace

TEST(Markdown, GfmExtensions) {
  Fixture f;
  Diagnostics diags;
  auto out = f.render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~barré~~ https://example.org\n\n- [x] fait\n", diags);
  EXPECT_NE(out.html.find("<table>"), std::string::npos);
  EXPECT_NE(out.html.find("<del>barré</del>"), std::string::npos);
  EXPECT_NE(out.html.find("<a href=\"https://example.org\">"), std::string::npos);
  EXPECT_NE(out.html.find("type=\"checkbox\""), std::string::npos);
  EXPECT_FALSE(diags.has_errors());
}

TEST(Markdown, RawHtmlIsNotPassedThrough) {
  Fixture f;
  Diagnostics diags;
  auto out = f.render("<script>alert(1)</script>\n\n[x](javascript:alert(1))\n", diags);
  EXPECT_EQ(out.html.find("<script>"), std::string::npos);
  EXPECT_EQ(out.html.find("javascript:"), std::string::npos);
}

TEST(Markdown, InternalLinksResolveAndEmptyTextTakesTheTitle) {
  Fixture f;
  Diagnostics diags;
  auto out = f.render("Voir [le module](module:m1) et [](competency:rc-num-so/3.1).\n", diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_NE(out.html.find("<a href=\"/modules/m1/\">le module</a>"), std::string::npos) << out.html;
  EXPECT_NE(out.html.find("<a href=\"/referentiels/rc-num-so/3.1/\">3.1 Intégration critique du numérique</a>"),
            std::string::npos)
      << out.html;
}

TEST(Markdown, UnresolvedLinkIsAnErrorAtItsFileLineAndColumn) {
  Fixture f;
  Diagnostics diags;
  f.render("Intro.\n\nSuite du texte, voir [le module](module:m9) ici.\n", diags);
  ASSERT_EQ(diags.error_count(), 1u);
  Diagnostic d = diags.sorted()[0];
  // Markdown line 3 is file line 7 (the body starts on line 5).
  EXPECT_EQ(d.pos.line, 7);
  EXPECT_EQ(d.pos.col, 22);  // the link's opening bracket
  EXPECT_EQ(d.message, "unresolved link: no module 'm9'");
  EXPECT_EQ(d.hint, "did you mean m1?");
}

TEST(Markdown, MistypedLinkKindIsCaught) {
  Fixture f;
  Diagnostics diags;
  f.render("[x](modul:m1)\n", diags);
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.sorted()[0].hint, "did you mean module?");
}

TEST(Markdown, HeadingsGetAnchors) {
  Fixture f;
  Diagnostics diags;
  auto out = f.render("## 6. Crédits ECTS\n\n### Détail\n\n## Autre\n", diags);
  ASSERT_EQ(out.headings.size(), 3u);
  EXPECT_NE(out.html.find("<h2 id=\"6-credits-ects\">6. Crédits ECTS</h2>"), std::string::npos) << out.html;
  EXPECT_NE(out.html.find("<h3 id=\"detail\">"), std::string::npos);
  EXPECT_NE(out.html.find("<h2 id=\"autre\">"), std::string::npos);
}

TEST(Markdown, DirectivesOnlyWhereAllowed) {
  Fixture f;
  Diagnostics diags;
  auto out = f.render("```cartable\nects-table\n```\n", diags,
                      [](const std::string& name, const std::string&, const SourcePos&) { return "<p>[" + name + "]</p>"; });
  EXPECT_NE(out.html.find("<p>[ects-table]</p>"), std::string::npos) << out.html;
  Diagnostics untrusted;
  f.render("```cartable\nects-table\n```\n", untrusted);
  EXPECT_TRUE(untrusted.has_errors());
}

TEST(MarkdownEntries, RelativeTargetsMustBeAttachments) {
  Fixture f;
  MarkdownOptions o;
  o.index = f.index.get();
  o.restrict_relative = true;
  o.local_files = {"carte.png", "plan.pdf"};
  Diagnostics ok;
  render_markdown({"![Carte](carte.png) et [le plan](plan.pdf#page=2) et [ici](#suite)\n", {"e.md", 1, 1}}, o, ok);
  EXPECT_FALSE(ok.has_errors());
  Diagnostics bad;
  render_markdown({"Voir [le plan](plans.pdf) et ![x](../../site.yaml)\n", {"e.md", 8, 1}}, o, bad);
  auto all = bad.sorted();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].message, "'plans.pdf' is not an attachment of this entry");
  EXPECT_EQ(all[0].hint, "did you mean plan.pdf?");
  EXPECT_EQ(all[0].pos.line, 8);
  EXPECT_EQ(all[1].message, "'../../site.yaml' is not an attachment of this entry");
}

// cmark-gfm keeps the extensions' special characters in a global table that
// freeing a parser clears: rendering on several threads at once must still
// see every "~~" and "|".
TEST(MarkdownThreads, ExtensionsHoldUnderConcurrentRendering) {
  Fixture f;
  std::atomic<int> missing{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        Diagnostics diags;
        auto out = f.render("~~barré~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", diags);
        if (out.html.find("<del>") == std::string::npos || out.html.find("<table>") == std::string::npos) ++missing;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(missing.load(), 0);
}
