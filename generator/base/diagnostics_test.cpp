#include "base/diagnostics.h"

#include <gtest/gtest.h>

using namespace cartable;

TEST(Diagnostics, FormatsLikeACompiler) {
  Diagnostic d{Severity::Error, {"content/modules/m1.md", 12, 5}, "unknown competency 'x'", "did you mean y?"};
  EXPECT_EQ(format_diagnostic(d),
            "content/modules/m1.md:12:5: error: unknown competency 'x'\n  hint: did you mean y?");
}

TEST(Diagnostics, SortsAndCountsBySeverity) {
  Diagnostics diags;
  diags.warning({"b.md", 1, 1}, "w");
  diags.error({"a.md", 3, 1}, "e");
  diags.error({"a.md", 3, 1}, "e");  // same report from two threads: printed once
  EXPECT_TRUE(diags.has_errors());
  EXPECT_EQ(diags.warning_count(), 1u);
  EXPECT_EQ(diags.error_count(), 1u) << "counted as printed: once";
  auto sorted = diags.sorted();
  ASSERT_EQ(sorted.size(), 2u);
  EXPECT_EQ(sorted[0].pos.path, "a.md");
}

TEST(Diagnostics, JsonForEditors) {
  Diagnostics diags;
  diags.error({"a \"b\".md", 3, 7}, "unknown module 'm9'", "did you mean m1?");
  EXPECT_EQ(diagnostics_json(diags),
            "[\n  {\"severity\": \"error\", \"file\": \"a \\\"b\\\".md\", \"line\": 3, \"column\": 7, "
            "\"message\": \"unknown module 'm9'\", \"hint\": \"did you mean m1?\"}\n]\n");
  EXPECT_EQ(diagnostics_json(Diagnostics()), "[]\n");
}

TEST(Diagnostics, GithubAnnotationEscapes) {
  Diagnostic d{Severity::Warning, {"content/a,b.md", 4, 2}, "100% sure: no\nnewline", ""};
  EXPECT_EQ(github_annotation(d), "::warning file=content/a%2Cb.md,line=4,col=2,title=cartable::100%25 sure: no%0Anewline");
}
