// The diagnostics a participant meets, in French as the site's teachers
// read them (`--lang fr`): each case checks the message, its position and
// its hint, on a copy of the default site with one file changed.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "support.h"

using namespace cartable_test;

namespace {

const char* const kLuca = "portfolios/luca-ferrari/";

class MessagesFr : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = temp_dir(std::string("fr-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    copy_default_site(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  // An entry of Luca's with this front matter (between the '---' lines)
  // and body.
  void entry(const std::string& name, const std::string& fields, const std::string& body = "Du texte.\n") {
    write(dir / kLuca / name, "---\n" + fields + "---\n" + body);
  }
  RunResult check_fr() { return run_cartable(dir, "--lang fr check"); }

  fs::path dir;
};

const std::string kFields =
    "date: 2027-06-12\nmodule: m2\ntask: veille\ncompetencies:\n  - rc-num-so/1.3\n";

// `path:line:col: erreur : message` and, on the next line, its hint.
std::string diagnostic(const std::string& where, const std::string& severity, const std::string& message,
                       const std::string& hint) {
  return where + ": " + severity + " : " + message + "\n  conseil : " + hint + "\n";
}

// The bytes of a real 1x1 PNG, copied from the default site's portfolio.
std::string png() { return read(fs::path(CARTABLE_SOURCE_DIR) / "portfolios/camille-rochat/carte-ressources.png"); }

}  // namespace

// --- YAML errors, in plain words -----------------------------------------------

TEST_F(MessagesFr, ATabInTheFrontMatterIsNamedAsATab) {
  entry("tab.md", "title: Une trace\n\tdate: 2027-06-12\nmodule: m2\ntask: veille\ncompetencies: [rc-num-so/1.3]\n");
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "tab.md:3:1", "erreur",
                                  "ligne illisible : une tabulation en début de ligne ; ces lignes se décalent "
                                  "uniquement avec des espaces",
                                  "remplacez la tabulation par des espaces, alignés sur les lignes du dessus")),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("illegal"), std::string::npos) << r.err;
}

TEST_F(MessagesFr, WordsCurlyQuotesAreDetected) {
  entry("guillemets.md", "title: \xE2\x80\x9C" "Atelier : les capsules\xE2\x80\x9D\n" + kFields);
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "guillemets.md:2:8", "erreur",
                                  "ligne illisible : la valeur est entre guillemets courbes (“ ”), qui ne comptent pas "
                                  "comme des guillemets ici",
                                  "tapez plutôt des guillemets droits \" (un traitement de texte les courbe : modifiez le "
                                  "fichier dans un éditeur de texte)")),
            std::string::npos)
      << r.err;
}

TEST_F(MessagesFr, AColonInAnUnquotedTitleSaysToQuoteIt) {
  entry("deux-points.md", "title: Atelier : les capsules\n" + kFields);
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "deux-points.md:2:16", "erreur",
                                  "ligne illisible : un deux-points suivi d'une espace dans une valeur sans guillemets",
                                  "mettez toute la valeur entre guillemets droits, par exemple title: \"Atelier : les "
                                  "tablettes\"")),
            std::string::npos)
      << r.err;
}

// French is full of apostrophes: 'L'atelier' ends at the second one, and
// yaml-cpp then speaks of indentation. Same for a title that starts with '['.
TEST_F(MessagesFr, AnApostropheThatEndsAQuotedValueIsExplained) {
  entry("apostrophe.md", "title: 'L'atelier des tablettes'\n" + kFields);
  entry("crochets.md", "title: [Atelier] les tablettes\n" + kFields);
  entry("guillemets-droits.md", "title: \"Atelier\" des tablettes\n" + kFields);
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "apostrophe.md:2:10", "erreur",
                                  "ligne illisible : la valeur commence par une apostrophe, et l'apostrophe suivante la "
                                  "termine",
                                  "mettez plutôt la valeur entre guillemets droits : \"L'atelier des tablettes\"")),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "crochets.md:2:16", "erreur",
                                  "ligne illisible : une valeur qui commence par « [ » ou « { » est lue comme une liste, et "
                                  "le texte continue après",
                                  "mettez toute la valeur entre guillemets droits : \"[Atelier] les tablettes\"")),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "guillemets-droits.md:2:16", "erreur",
                                  "ligne illisible : le texte continue après le guillemet qui termine la valeur",
                                  "mettez toute la valeur entre apostrophes : '\"Atelier\" des tablettes'")),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("décalée"), std::string::npos) << r.err;  // not an indentation problem
  // The fixes given are accepted.
  entry("apostrophe.md", "title: \"L'atelier des tablettes\"\n" + kFields);
  entry("crochets.md", "title: \"[Atelier] les tablettes\"\n" + kFields);
  entry("guillemets-droits.md", "title: '\"Atelier\" des tablettes'\n" + kFields);
  r = check_fr();
  EXPECT_EQ(r.status, 0) << r.err;
}

// A quote never closed swallows the next lines: said where it opens, not
// only as the fields that went missing.
TEST_F(MessagesFr, AQuoteNeverClosedIsNamed) {
  entry("ouvert.md", "title: \"Une trace\n" + kFields);
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "ouvert.md:2:8", "erreur",
                                  "ligne illisible : un guillemet est ouvert mais jamais fermé",
                                  "fermez le guillemet à la fin de la valeur ; un guillemet dans la valeur s'écrit deux "
                                  "fois entre '…', ou \\\" entre \"…\"")),
            std::string::npos)
      << r.err;
  // A long text over several lines, quoted, is fine.
  entry("ouvert.md", "title: \"Une trace\n  sur deux lignes\"\n" + kFields);
  EXPECT_EQ(check_fr().status, 0);
}

TEST_F(MessagesFr, AMissingClosingLineIsExplainedOnce) {
  write(dir / kLuca / "ouverte.md", "---\ntitle: Une trace\n" + kFields + "\nDu texte.\n");
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "ouverte.md:1:1", "erreur",
                                  "les lignes du haut ne sont pas fermées par une ligne ---",
                                  "les lignes du haut commencent par une ligne --- et finissent par une autre : ajoutez "
                                  "une ligne --- après la dernière d'entre elles, avant le texte")),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("il manque les lignes du haut"), std::string::npos) << r.err;  // not a second, contradicting error
}

TEST_F(MessagesFr, AnAttachmentWrittenAsANameAloneShowsTheForm) {
  write(dir / kLuca / "photo.png", png());
  entry("photo.md", "title: Une trace\n" + kFields + "attachments: [photo.png]\n");
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "photo.md:8:15", "erreur",
                                  "la pièce jointe « photo.png » est écrite sous la forme d'un nom seul",
                                  "écrivez chaque pièce jointe sous la forme « - file: photo.png » puis, à la ligne "
                                  "suivante et aligné sous « file », « alt: ce que montre l'image » (obligatoire pour "
                                  "une image)")),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("mapping"), std::string::npos) << r.err;
}

TEST_F(MessagesFr, MissingFieldsAndKindsOfLinksAreTranslated) {
  entry("incomplete.md", "title: Une trace\ndate: 2027-06-12\nmodule: m2\ncompetencies: [rc-num-so/1.3]\n",
        "Voir [](session:inexistante).\n");
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "incomplete.md:2:1", "erreur",
                                  "trace : il manque la ligne obligatoire « task »",
                                  "ajoutez une ligne « task: » suivie de sa valeur")),
            std::string::npos)
      << r.err;
  // Once the entry loads, its links are resolved: the kind is translated too.
  fs::remove(dir / kLuca / "incomplete.md");
  entry("lien.md", "title: Une trace\n" + kFields, "Voir [](session:inexistante).\n");
  r = check_fr();
  EXPECT_NE(r.err.find(std::string(kLuca) + "lien.md:9:6: erreur : lien sans destination : aucune séance « inexistante »"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("aucun session"), std::string::npos) << r.err;
}

// --- Near misses: what the site shows, instead of the id --------------------------

TEST_F(MessagesFr, TheLabelOfACompetencyOrAModuleTitleGetsTheExactId) {
  entry("libelle.md", "title: Une trace\ndate: 2027-06-12\nmodule: Support de premier niveau\ntask: veille\n"
                      "competencies:\n  - RC Num SO/3.1\n  - RC Num SO 6.2\n");
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "libelle.md:4:9", "erreur",
                                  "module inconnu « Support de premier niveau »",
                                  "vouliez-vous dire m3 ? (un module se désigne par son identifiant)")),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "libelle.md:7:5", "erreur",
                                  "référentiel inconnu « RC Num SO » dans la compétence « RC Num SO/3.1 »",
                                  "vouliez-vous dire rc-num-so/3.1 ? (une compétence se désigne par son identifiant)")),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "libelle.md:8:5", "erreur",
                                  "la compétence « RC Num SO 6.2 » ne dit pas son référentiel",
                                  "vouliez-vous dire rc-num-so/6.2 ? (une compétence se désigne par son identifiant)")),
            std::string::npos)
      << r.err;
}

// --- Nothing silently lost ------------------------------------------------------

TEST_F(MessagesFr, AHashThatStartsACommentIsAWarningWithTheFix) {
  entry("diese.md", "title: L'atelier « tablettes » #2\n" + kFields);
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "diese.md:2:34", "avertissement",
                                  "« #2 » manque dans la valeur : après une espace, le signe # commence un commentaire, "
                                  "qui n'est pas publié",
                                  "mettez toute la valeur entre guillemets droits : \"L'atelier « tablettes » #2\"")),
            std::string::npos)
      << r.err;
  // A comment meant as one (set apart by two spaces) is left alone.
  replace_in_file(dir / kLuca / "diese.md", " #2", "  # deuxième édition");
  EXPECT_EQ(check_fr().err.find("diese.md"), std::string::npos);
}

// `# 2` after a single space is a number sign more often than a comment:
// in an entry's front matter and in portfolio.yaml (read by another path).
TEST_F(MessagesFr, AHashAndASpaceAfterASingleSpaceIsAWarningToo) {
  entry("numero.md", "title: Atelier # 2\n" + kFields);
  replace_in_file(dir / kLuca / "portfolio.yaml", "school: École primaire des Trois-Lacs, Bienne (exemple fictif)",
                  "school: Ecole # 3");
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 0) << r.err;
  const std::string fix = " (pour un commentaire, laissez deux espaces avant le #)";
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "numero.md:2:16", "avertissement",
                                  "« # 2 » manque dans la valeur : après une espace, le signe # commence un commentaire, "
                                  "qui n'est pas publié",
                                  "mettez toute la valeur entre guillemets droits : \"Atelier # 2\"" + fix)),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(std::string(kLuca) + "portfolio.yaml:3:15: avertissement : « # 3 » manque dans la valeur"),
            std::string::npos)
      << r.err;
  // Quoted as the hint says, the value is whole and nothing is said.
  replace_in_file(dir / kLuca / "numero.md", "title: Atelier # 2", "title: \"Atelier # 2\"");
  r = run_cartable(dir, "--lang fr build --no-search");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("numero.md"), std::string::npos) << r.err;
  EXPECT_NE(read(dir / "public/portfolios/luca-ferrari/numero/index.html").find("Atelier # 2"), std::string::npos);
}

TEST_F(MessagesFr, LinkTargetsWithSpacesAreErrorsWithTheFix) {
  write(dir / kLuca / "photo atelier.png", png());
  entry("espaces.md",
        "title: Une trace\n" + kFields + "attachments:\n  - file: photo atelier.png\n    alt: Des élèves devant une tablette\n",
        "![Photo](photo atelier.png)\n\nVoir [](module: m4) et [le programme](https://example.org/un programme).\n\n"
        "Selon [](competency:RC Num SO/3.1).\n");
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "espaces.md:12:10", "erreur",
                                  "une espace dans le nom de l'image « photo atelier.png » : le texte est affiché tel "
                                  "quel, sans l'image",
                                  "écrivez le nom entre < et > : ![Photo](<photo atelier.png>), ou renommez le fichier "
                                  "sans espaces")),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "espaces.md:14:9", "erreur",
                                  "une espace dans la destination du lien « module: m4 » : le texte est affiché tel "
                                  "quel, sans lien",
                                  "écrivez la destination sans espaces : [](module:m4)")),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "espaces.md:16:10", "erreur",
                                  "une espace dans la destination du lien « competency:RC Num SO/3.1 » : le texte est "
                                  "affiché tel quel, sans lien",
                                  "vouliez-vous dire rc-num-so/3.1 ? (une compétence se désigne par son identifiant)")),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(std::string(kLuca) + "espaces.md:14:39: erreur : une espace dans la destination du lien"),
            std::string::npos)
      << r.err;
}

TEST_F(MessagesFr, PercentEncodedTargetsAreAcceptedAndInlineImagesTakeTheirAlt) {
  write(dir / kLuca / "photo atelier.png", png());
  entry("encodee.md",
        "title: Une trace\n" + kFields + "attachments:\n  - file: photo atelier.png\n    alt: Des élèves devant une tablette\n",
        "![](photo%20atelier.png)\n\n[la photo](<photo atelier.png>)\n");
  RunResult r = run_cartable(dir, "--lang fr build --no-search");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string html = read(dir / "public/portfolios/luca-ferrari/encodee/index.html");
  EXPECT_NE(html.find("<img src=\"photo%20atelier.png\" alt=\"Des élèves devant une tablette\""), std::string::npos)
      << html;
  // An image with nothing to describe it is an error.
  entry("sans-alt.md", "title: Une trace\n" + kFields, "Regardez :\n\n![](https://example.org/image.png)\n");
  r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "sans-alt.md:11:1", "erreur",
                                  "il manque la description (texte alternatif) de l'image « https://example.org/image.png »",
                                  "décrivez l'image entre les crochets : ![ce qu'elle montre](https://example.org/image.png)")),
            std::string::npos)
      << r.err;
}

// --- Files that look like entries ---------------------------------------------

TEST_F(MessagesFr, FilesThatLookLikeEntriesNameTheRename) {
  const std::string text = "---\ntitle: Une trace\n" + kFields + "---\nDu texte.\n";
  for (const char* name : {"trace.md.txt", "Trace.MD", "bilan.markdown", "Rapport final.docx"}) write(dir / kLuca / name, text);
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "trace.md.txt", "avertissement",
                                  "« trace.md.txt » n'est pas publié : son nom se termine par .txt",
                                  "renommez-le trace.md (le Bloc-notes ajoute .txt : à l'enregistrement, choisissez le "
                                  "type « Tous les fichiers »)")),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "Trace.MD", "avertissement",
                                  "« Trace.MD » n'est pas publié : le nom d'une trace se termine par .md, en minuscules",
                                  "renommez-le trace.md")),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "bilan.markdown", "avertissement",
                                  "« bilan.markdown » n'est pas publié : le nom d'une trace se termine par .md",
                                  "renommez-le bilan.md")),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(std::string(kLuca) + "Rapport final.docx: avertissement : « Rapport final.docx » n'est pas publié : un "
                                            "document de traitement de texte n'est pas une trace\n  conseil : copiez son "
                                            "texte dans un fichier rapport-final.md"),
            std::string::npos)
      << r.err;
}

// --- Drafts and untouched scaffolds --------------------------------------------

TEST_F(MessagesFr, BuildsSayHowManyDraftsWereLeftOut) {
  entry("brouillon.md", "title: Une trace\n" + kFields + "draft: true\n");
  entry("autre-brouillon.md", "title: Une autre\n" + kFields + "draft: true\n");
  RunResult r = run_cartable(dir, "--lang fr build --no-search");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "autre-brouillon.md:8:8", "avertissement",
                                  "2 brouillons non publiés : autre-brouillon.md, brouillon.md",
                                  "supprimez la ligne draft: true d'une trace quand elle est prête à être publiée")),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("portfolios/camille-rochat/accompagnement-brouillon.md:9:8: avertissement : 1 brouillon non publié : "
                       "accompagnement-brouillon.md"),
            std::string::npos)
      << r.err;
}

TEST_F(MessagesFr, AnUntouchedScaffoldIsAWarning) {
  entry("modele.md", "title: Une trace\n" + kFields,
        "## Conception\n\n<!-- Quel besoin de l'établissement ? -->\n\n## Mise en œuvre\n\n<!-- Qu'avez-vous fait ? -->\n");
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "modele.md:9:1", "avertissement",
                                  "cette trace ne contient que les titres et les consignes de `cartable new entry`",
                                  "écrivez votre texte sous chaque titre, ou gardez draft: true tant qu'elle n'est pas "
                                  "prête")),
            std::string::npos)
      << r.err;
  replace_in_file(dir / kLuca / "modele.md", "## Mise en œuvre", "Nous avons commencé en janvier.\n\n## Mise en œuvre");
  EXPECT_EQ(check_fr().err.find("modele.md"), std::string::npos);
}

TEST_F(MessagesFr, ThePlaceholderBioIsAWarning) {
  replace_in_file(dir / kLuca / "portfolio.yaml", "  Enseignant de 5-6H, passionné de robotique pédagogique. Coordinateur numérique\n"
                                                   "  d'un établissement de 18 classes.",
                  "  Quelques lignes pour vous présenter (Markdown).");
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "portfolio.yaml:6:6", "avertissement",
                                  "la présentation (bio) est encore l'exemple de `cartable new portfolio`",
                                  "remplacez-la par quelques lignes sur vous, ou supprimez la ligne bio")),
            std::string::npos)
      << r.err;
}

// --- What the person building can fix comes first ------------------------------

TEST_F(MessagesFr, APortfoliosErrorsComeBeforeTheProgrammesWarnings) {
  replace_in_file(dir / kLuca / "veille-robotique.md", "rc-num-so/1.3", "rc-num-so/1.9");
  RunResult r = check_fr();
  EXPECT_EQ(r.status, 1);
  size_t error = r.err.find(std::string(kLuca) + "veille-robotique.md:7:5: erreur : compétence inconnue « rc-num-so/1.9 »");
  ASSERT_NE(error, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("content/"), std::string::npos) << r.err;  // the programme's warnings are held back...
  EXPECT_NE(r.err.find("cartable: 2 avertissements sur le programme ne sont pas affichés tant qu'un portfolio a des "
                       "erreurs"),
            std::string::npos)
      << r.err;  // ... in one line
  // Without errors, they are shown.
  replace_in_file(dir / kLuca / "veille-robotique.md", "rc-num-so/1.9", "rc-num-so/1.3");
  EXPECT_NE(check_fr().err.find("content/programme.md:"), std::string::npos);
}

// A participant's own repository: the programme is the HEP's catalogue.
TEST_F(MessagesFr, APortfolioOnlyRepositoryShowsNoProgrammeWarningAndLinksClassmatesAsText) {
  ASSERT_EQ(run_cartable(dir, "build --no-search").status, 0);
  fs::path solo = temp_dir(std::string("fr-solo"));
  fs::copy(dir / "themes", solo / "themes", fs::copy_options::recursive);
  fs::copy_file(dir / "public/api/catalogue.json", solo / "catalogue.json");
  write(solo / "site.yaml", "catalogue: catalogue.json\ntheme: default\n");
  fs::create_directories(solo / "portfolios");
  fs::copy(dir / "portfolios/luca-ferrari", solo / "portfolios/luca-ferrari", fs::copy_options::recursive);
  write(solo / kLuca / "avec-camille.md", "---\ntitle: Avec Camille\n" + kFields + "---\nVoir [](portfolio:camille-rochat) "
                                           "et [sa stratégie](entry:camille-rochat/strategie-college).\n");
  RunResult r = run_cartable(solo, "--lang fr build --no-search");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("catalogue.json:1:1"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("total déclaré"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(diagnostic(std::string(kLuca) + "avec-camille.md:9:6", "avertissement",
                                  "lien vers « camille-rochat », dont le portfolio n'est pas dans ce dépôt : affiché "
                                  "comme simple texte",
                                  "rien à faire si l'orthographe est juste : le lien fonctionne sur le site de la HEP")),
            std::string::npos)
      << r.err;
  // Group work listed in portfolio.yaml: the HEP's build checks it.
  EXPECT_NE(r.err.find(std::string(kLuca) + "portfolio.yaml:12:5: avertissement : « camille-rochat/strategie-college » appartient "
                                            "à un portfolio qui n'est pas dans ce dépôt : il n'est pas vérifié ici"),
            std::string::npos)
      << r.err;
  std::string html = read(solo / "public/portfolios/luca-ferrari/avec-camille/index.html");
  EXPECT_NE(html.find("Voir camille-rochat et sa stratégie."), std::string::npos) << html;
  fs::remove_all(solo);
}

// English stays available, with the same positions and hints.
TEST_F(MessagesFr, EnglishIsStillThereWithLangEn) {
  entry("tab.md", "title: Une trace\n\tdate: 2027-06-12\nmodule: m2\ntask: veille\ncompetencies: [rc-num-so/1.3]\n");
  RunResult r = run_cartable(dir, "--lang en check");
  EXPECT_NE(r.err.find(std::string(kLuca) +
                       "tab.md:3:1: error: invalid YAML: a tab at the start of the line; these lines are indented with "
                       "spaces only\n  hint: replace the tab with spaces, aligned with the lines above"),
            std::string::npos)
      << r.err;
}

// --- Every stage speaks French: output folder, reused builds, preview --------

TEST_F(MessagesFr, ARefusedOutputFolderIsExplainedInFrench) {
  RunResult r = run_cartable(dir, "--lang fr build --no-search --out content");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("content: erreur : refus de construire dans « content » : ce dossier est à l'intérieur des sources, "
                       "où une construction pourrait remplacer des fichiers\n  conseil : rien n'a été écrit ; construisez "
                       "dans public/, ou nommez ce dossier dans site.yaml : outputs: [content]"),
            std::string::npos)
      << r.err;
}

// A build that reuses the previous one (nothing changed) repeats its
// warnings: in the language of this build, not the one that recorded them.
TEST_F(MessagesFr, ARebuildWithNothingChangedRepeatsItsWarningsInItsOwnLanguage) {
  entry("brouillon.md", "title: Une trace\n" + kFields + "draft: true\n");
  const std::string fr = std::string(kLuca) + "brouillon.md:8:8: avertissement : 1 brouillon non publié : brouillon.md";
  const std::string en = std::string(kLuca) + "brouillon.md:8:8: warning: 1 draft not published: brouillon.md";
  RunResult first = run_cartable(dir, "--lang en build --no-search");
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.err.find(en), std::string::npos) << first.err;
  RunResult again = run_cartable(dir, "--lang fr build --no-search");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.err.find("rien n'a changé depuis la dernière fois"), std::string::npos) << again.err;  // reused
  EXPECT_NE(again.err.find(fr + "\n  conseil : supprimez la ligne draft: true"), std::string::npos) << again.err;
  EXPECT_EQ(again.err.find("draft not published"), std::string::npos) << again.err;
  RunResult back = run_cartable(dir, "--lang en build --no-search");
  EXPECT_NE(back.err.find(en), std::string::npos) << back.err;
}

// The preview (`cartable serve`) in French: drafts labelled in lists and
// counts, and its refusals (unknown page, foreign host) in words.
TEST_F(MessagesFr, ThePreviewLabelsDraftsAndExplainsItsRefusals) {
  fs::path log = dir / "serve.out";
  std::string cmd = "cd '" + dir.string() + "' && exec " + CARTABLE_BIN + " --lang fr serve --port 0 --out '" +
                    (dir / "public").string() + "' >'" + log.string() + "' 2>'" + (dir / "serve.err").string() + "'";
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  int port = 0;
  for (int i = 0; i < 400 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::string out = read(log);
    auto at = out.find("http://127.0.0.1:");
    if (at != std::string::npos) port = std::atoi(out.c_str() + at + 17);
  }
  std::map<std::string, std::pair<int, std::string>> got;  // path -> (status, body)
  if (port > 0) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(5, 0);
    for (const char* path : {"/portfolios/camille-rochat/", "/portfolios/", "/portfolios/personne/"}) {
      if (auto res = client.Get(path)) got[path] = {res->status, res->body};
    }
    if (auto res = client.Get("/", {{"Host", "exemple.org"}})) got["host"] = {res->status, res->body};
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_GT(port, 0) << read(dir / "serve.err");
  std::string list = visible_text(got["/portfolios/camille-rochat/"].second);
  size_t draft = list.find("Accompagnement d'une collègue (brouillon) 2 novembre 2027");
  ASSERT_NE(draft, std::string::npos) << list;
  EXPECT_NE(list.substr(draft, 200).find("· brouillon (non publié)"), std::string::npos) << list;
  // In the table of competencies too; and for the draft only.
  EXPECT_NE(list.find("Accompagnement d'une collègue (brouillon) (brouillon (non publié))"), std::string::npos) << list;
  size_t labels = 0;
  for (size_t at = list.find("brouillon (non publié)"); at != std::string::npos; at = list.find("brouillon (non publié)", at + 1)) {
    ++labels;
  }
  EXPECT_EQ(labels, 2u) << list;
  std::string index = visible_text(got["/portfolios/"].second);
  EXPECT_NE(index.find("traces (brouillons compris : 1)"), std::string::npos) << index;
  EXPECT_EQ(got["/portfolios/personne/"].first, 404);
  EXPECT_EQ(got["/portfolios/personne/"].second,
            "404 : aucune page « /portfolios/personne/ » dans cet aperçu\n"
            "vérifiez l'adresse, ou repartez de la page d'accueil\n");
  EXPECT_EQ(got["host"].first, 403);
  EXPECT_EQ(got["host"].second, "403 : cet aperçu ne répond qu'aux adresses 127.0.0.1, localhost et [::1]\n");
}

// Commands of the HEP's team (assess) and a theme that is not there: French too.
TEST_F(MessagesFr, AssessAndTheThemeSpeakFrench) {
  RunResult r = run_cartable(dir, "--lang fr assess veille-robotique.md --status acquired --by nicolas-martignoni");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("cartable assess: erreur : « veille-robotique.md » ne désigne pas une trace\n"
                       "  conseil : écrivez portfolios/<participant>/<trace>.md"),
            std::string::npos)
      << r.err;
  replace_in_file(dir / "site.yaml", "theme: default", "theme: maison");
  r = check_fr();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("themes/maison: erreur : dossier du thème introuvable\n"
                       "  conseil : indiquez dans site.yaml (theme:) un dossier de themes/"),
            std::string::npos)
      << r.err;
}

// Help screens: French typography, names a teacher can read, no CLI11
// internals (`--no-search{false}` once).
TEST_F(MessagesFr, HelpScreensReadWellInFrenchAndEnglish) {
  RunResult build = run_cartable(dir, "--lang fr build --help");
  EXPECT_EQ(build.status, 0);
  EXPECT_NE(build.out.find("Utilisation : cartable build [OPTIONS]\n"), std::string::npos) << build.out;
  EXPECT_NE(build.out.find("  --no-search                 Ne pas indexer le site avec Pagefind\n"), std::string::npos)
      << build.out;
  EXPECT_NE(build.out.find("  --no-cache                  Tout refaire"), std::string::npos) << build.out;
  EXPECT_EQ(build.out.find("{false}"), std::string::npos) << build.out;
  RunResult assess = run_cartable(dir, "--lang fr assess --help");
  EXPECT_NE(assess.out.find("Utilisation : cartable assess [OPTIONS] TRACE\n"), std::string::npos) << assess.out;
  EXPECT_NE(assess.out.find("  TRACE TEXTE OBLIGATOIRE"), std::string::npos) << assess.out;
  RunResult access = run_cartable(dir, "--lang fr access --help");
  EXPECT_NE(access.out.find("Exclut : --check"), std::string::npos) << access.out;
  RunResult missing = run_cartable(dir, "--lang fr new portfolio");
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("il manque NOM à 'cartable new portfolio'"), std::string::npos) << missing.err;
  RunResult en = run_cartable(dir, "--lang en build --help");
  EXPECT_NE(en.out.find("Usage: cartable build [OPTIONS]\n"), std::string::npos) << en.out;
  EXPECT_NE(en.out.find("  --no-search                 Do not index the site with Pagefind\n"), std::string::npos) << en.out;
  EXPECT_EQ(en.out.find("{false}"), std::string::npos) << en.out;
}

// What CLI11 says in English (a missing value, a word for a number) is
// said again in French, with the fix.
TEST_F(MessagesFr, CommandLineMistakesAreSaidInFrench) {
  RunResult r = run_cartable(dir, "--lang fr serve --port abc");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "cartable: erreur : --port : « abc » n'est pas un nombre entier\n"
                   "  conseil : écrivez un nombre entier après --port, par exemple --port 4\n");
  r = run_cartable(dir, "--lang fr build --out");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "cartable: erreur : il manque la valeur de --out\n"
                   "  conseil : écrivez la valeur après --out ; voyez : cartable build --help\n");
  EXPECT_TRUE(fs::exists(dir / "site.yaml"));
  EXPECT_FALSE(fs::exists(dir / "public")) << "a refused command line wrote something";
}
