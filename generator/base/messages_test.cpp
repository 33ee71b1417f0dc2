#include "base/messages.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "base/diagnostics.h"

using namespace cartable;

namespace {
// Restores English (the default) after a test that prints in French.
struct InFrench {
  InFrench() { set_language("fr"); }
  ~InFrench() { set_language("en"); }
};
}  // namespace

TEST(Messages, EnglishSourceWithPositionalArguments) {
  EXPECT_EQ(english(tr("module {1} has no task '{2}'", "m4", "formaton")), "module m4 has no task 'formaton'");
  EXPECT_EQ(english(tr("{2} before {1}, {{1} kept", 1, std::string("b"))), "b before 1, {1} kept");
}

TEST(Messages, FrenchFromTheEmbeddedCatalogue) {
  EXPECT_EQ(translate(tr("module {1} has no task '{2}'", "m4", "formaton"), "fr"),
            "le module m4 n'a pas de tâche « formaton »");
  EXPECT_EQ(translate(tr("did you mean {1}?", "formation"), "fr"), "vouliez-vous dire formation ?");
}

TEST(Messages, FrenchPluralsCountZeroAndOneAsSingular) {
  auto errors = [](int n) { return translate(trn("{1} error, nothing written", "{1} errors, nothing written", n, n), "fr"); };
  EXPECT_EQ(errors(1), "1 erreur, rien n'a été écrit");
  EXPECT_EQ(errors(2), "2 erreurs, rien n'a été écrit");
  EXPECT_EQ(english(trn("{1} error, nothing written", "{1} errors, nothing written", 0, 0)), "0 errors, nothing written");
}

TEST(Messages, UnknownMessagesStayInEnglish) {
  EXPECT_EQ(translate(Text("a sentence nobody translated"), "fr"), "a sentence nobody translated");
}

TEST(Messages, DiagnosticsPrintInTheChosenLanguage) {
  Diagnostics diags;
  diags.error({"portfolios/camille/trace.md", 4, 9}, tr("unknown status '{1}'", "soumis"),
              tr("write status: submitted, or remove the line"));
  Diagnostic d = diags.sorted()[0];
  EXPECT_EQ(d.message, "unknown status 'soumis'");  // English kept for logs and tests
  EXPECT_EQ(format_diagnostic(d),
            "portfolios/camille/trace.md:4:9: error: unknown status 'soumis'\n"
            "  hint: write status: submitted, or remove the line");
  InFrench fr;
  EXPECT_EQ(format_diagnostic(d),
            "portfolios/camille/trace.md:4:9: erreur : statut inconnu « soumis »\n"
            "  conseil : écrivez status: submitted, ou supprimez la ligne");
  EXPECT_NE(diagnostics_json(diags).find("\"message\": \"statut inconnu « soumis »\""), std::string::npos);
  Diagnostics warned;
  warned.warning({"portfolios/camille/trace.md", 2, 1}, tr("unknown status '{1}'", "soumis"));
  EXPECT_EQ(format_diagnostic(warned.sorted()[0]), "portfolios/camille/trace.md:2:1: avertissement : statut inconnu « soumis »");
  // Machines read the JSON and the annotations: their severities stay English.
  EXPECT_NE(diagnostics_json(diags).find("\"severity\": \"error\""), std::string::npos);
  EXPECT_EQ(github_annotation(d).rfind("::error file=portfolios/camille/trace.md,line=4,col=9,title=cartable::statut", 0), 0u)
      << github_annotation(d);
}

TEST(Messages, LanguageFromFlagThenEnvironmentThenSite) {
  unsetenv("CARTABLE_LANG");
  unsetenv("LANGUAGE");
  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  setenv("LANG", "C.UTF-8", 1);  // a server: no language of its own
  EXPECT_EQ(choose_language("", "fr"), "fr");
  EXPECT_EQ(choose_language("en", "fr"), "en");
  EXPECT_EQ(choose_language("", "de"), "en");  // no German catalogue
  setenv("LANG", "en_GB.UTF-8", 1);
  EXPECT_EQ(choose_language("", "fr"), "en");
  EXPECT_EQ(choose_language("fr_CH", "fr"), "fr");
  setenv("CARTABLE_LANG", "fr", 1);
  EXPECT_EQ(choose_language("", "en"), "fr");
  unsetenv("CARTABLE_LANG");
  unsetenv("LANG");
}

TEST(Messages, MoReaderRejectsGarbage) {
  std::vector<MoEntry> out;
  EXPECT_FALSE(parse_mo("not a catalogue at all, really", out));
  std::string truncated(28, '\0');
  uint32_t magic = 0x950412de, count = 5, far = 1u << 30;
  memcpy(&truncated[0], &magic, 4);
  memcpy(&truncated[8], &count, 4);
  memcpy(&truncated[12], &far, 4);
  EXPECT_FALSE(parse_mo(truncated, out));
  EXPECT_FALSE(catalogue_entries("fr").empty());
}
