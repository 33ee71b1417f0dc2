// `cartable build` and `cartable check` as a user runs them: diagnostics on
// broken sources, exit codes, an untouched previous site, reproducible output.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <functional>
#include <regex>
#include <thread>

#include "support.h"

using namespace cartable_test;

namespace {

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    copy_default_site(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  // Builds the intact site, breaks it with `edit`, builds again: the second
  // build must fail with `expected` and leave public/ as the first one wrote it.
  void expect_failure_keeps_site(const std::function<void()>& edit, const std::string& expected_regex) {
    RunResult first = run_cartable(dir, "build");
    ASSERT_EQ(first.status, 0) << first.err;
    auto before = snapshot(dir / "public");
    ASSERT_FALSE(before.empty());
    edit();
    RunResult second = run_cartable(dir, "build");
    EXPECT_NE(second.status, 0);
    EXPECT_TRUE(std::regex_search(second.err, std::regex(expected_regex))) << second.err;
    EXPECT_EQ(snapshot(dir / "public"), before) << "a failed build changed the published site";
    // No staging folder left behind.
    for (const auto& e : fs::directory_iterator(dir)) {
      EXPECT_EQ(e.path().filename().string().find(".public.tmp"), std::string::npos) << e.path();
    }
  }

  fs::path dir;
};

}  // namespace

TEST_F(Cli, UnknownModuleInALinkFailsWithPositionAndHint) {
  fs::path file = dir / "content/programme.md";
  expect_failure_keeps_site(
      [&] { replace_in_file(file, "[](module:m4)", "[](module:m7)"); },
      "");
  auto [line, col] = position_of(file, "[](module:m7)");
  RunResult r = run_cartable(dir, "build");
  std::string expected = "content/programme.md:" + std::to_string(line) + ":" + std::to_string(col) +
                         ": error: unresolved link: no module 'm7'\n  hint: did you mean m";
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
}

TEST_F(Cli, UnknownCompetencyFailsWithPositionAndHint) {
  fs::path file = dir / "content/modules/m2.md";
  expect_failure_keeps_site([&] { replace_in_file(file, "  - rc-num-so/1.3\n", "  - rc-num-so/3.2\n"); },
                            "unknown competency 'rc-num-so/3.2'");
  auto [line, col] = position_of(file, "rc-num-so/3.2");
  RunResult r = run_cartable(dir, "build");
  std::string expected = "content/modules/m2.md:" + std::to_string(line) + ":" + std::to_string(col) +
                         ": error: unknown competency 'rc-num-so/3.2'\n  hint: did you mean rc-num-so/3.1?";
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
}

TEST_F(Cli, UnknownModuleRefInFrontMatterLinkOfAFramework) {
  fs::path file = dir / "content/frameworks/crcne.yaml";
  expect_failure_keeps_site([&] { replace_in_file(file, "(framework:pix-edu)", "(framework:pix-edo)"); },
                            R"(content/frameworks/crcne\.yaml:\d+:\d+: error: unresolved link: no framework 'pix-edo'\n  hint: did you mean pix-edu\?)");
}

TEST_F(Cli, MalformedYamlFailsWithPosition) {
  fs::path file = dir / "content/modules/m3.md";
  // A key indented under a scalar: invalid YAML on that line.
  expect_failure_keeps_site([&] { replace_in_file(file, "periods: 28\n", "periods: 28\n  extra: 1\n"); },
                            R"(content/modules/m3\.md:\d+:\d+: error: invalid YAML)");
  auto [line, col] = position_of(file, "  extra: 1");
  RunResult r = run_cartable(dir, "build");
  EXPECT_NE(r.err.find("content/modules/m3.md:" + std::to_string(line) + ":"), std::string::npos) << r.err;
}

TEST_F(Cli, MalformedSiteYamlFails) {
  expect_failure_keeps_site([&] { replace_in_file(dir / "site.yaml", "language: fr", "language: [fr"); },
                            R"(site\.yaml:\d+:\d+: error: invalid YAML)");
}

TEST_F(Cli, TwoBuildsAreByteIdentical) {
  ASSERT_EQ(run_cartable(dir, "build --out build/one").status, 0);
  ASSERT_EQ(run_cartable(dir, "build --out build/two -j 1").status, 0);
  auto one = snapshot(dir / "build/one");
  auto two = snapshot(dir / "build/two");
  ASSERT_GT(one.size(), 90u);
  EXPECT_EQ(one, two);
}

TEST_F(Cli, RebuildReplacesStaleFiles) {
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  write(dir / "public/stale.html", "old");
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  EXPECT_FALSE(fs::exists(dir / "public/stale.html"));
  EXPECT_TRUE(fs::exists(dir / "public/index.html"));
}

TEST_F(Cli, CheckValidatesAndWritesNothing) {
  RunResult ok = run_cartable(dir, "check");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_FALSE(fs::exists(dir / "public"));
  replace_in_file(dir / "content/modules/m1.md", "  - rc-num-so/6.3\n", "  - rc-num-so/6.4\n");
  RunResult bad = run_cartable(dir, "check");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("unknown competency 'rc-num-so/6.4'"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "public"));
}

TEST_F(Cli, NotASiteSaysWhatToDo) {
  fs::path empty = temp_dir("empty");
  RunResult r = run_cartable(empty, "build");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("error: no site.yaml here"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--source"), std::string::npos);
  EXPECT_FALSE(fs::exists(empty / "public"));
  fs::remove_all(empty);
}

TEST_F(Cli, SourceOptionBuildsFromAnotherFolder) {
  fs::path elsewhere = temp_dir("elsewhere");
  RunResult r = run_cartable(elsewhere, "build --source " + dir.string() + " --out site");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(elsewhere / "site/index.html"));
  fs::remove_all(elsewhere);
}

// Command-line habits: exit status 1 on any error, --version, a suggestion
// for a misspelt command or option, in the user's language.
namespace {

class CommandLine : public ::testing::Test {
 protected:
  void SetUp() override { empty = temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name()); }
  void TearDown() override { fs::remove_all(empty); }
  fs::path empty;
};

}  // namespace

TEST_F(CommandLine, NoCommandExitsOneAndListsTheCommands) {
  RunResult r = run_cartable(empty, "");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("error: 'cartable' needs a command: build, check, new, serve, assess, access"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("hint: for example: cartable build"), std::string::npos) << r.err;
}

TEST_F(CommandLine, MisspeltCommandGetsDidYouMeanInEnglishAndFrench) {
  RunResult en = run_cartable(empty, "buld");
  EXPECT_EQ(en.status, 1);
  EXPECT_NE(en.err.find("cartable: error: unknown command 'buld'\n  hint: did you mean build?"), std::string::npos) << en.err;
  RunResult fr = run_cartable(empty, "--lang fr buld");
  EXPECT_EQ(fr.status, 1);
  EXPECT_NE(fr.err.find("commande inconnue 'buld'\n  conseil : vouliez-vous dire build ?"), std::string::npos) << fr.err;
  RunResult sub = run_cartable(empty, "new portfolo X");
  EXPECT_EQ(sub.status, 1);
  EXPECT_NE(sub.err.find("did you mean portfolio?"), std::string::npos) << sub.err;
}

TEST_F(CommandLine, MisspeltOptionGetsDidYouMeanInEnglishAndFrench) {
  RunResult en = run_cartable(empty, "build --ouT site");
  EXPECT_EQ(en.status, 1);
  EXPECT_NE(en.err.find("unknown option '--ouT' for 'cartable build'\n  hint: did you mean --out?"), std::string::npos)
      << en.err;
  RunResult fr = run_cartable(empty, "check --lang fr --audiance experts");
  EXPECT_EQ(fr.status, 1);
  EXPECT_NE(fr.err.find("option inconnue '--audiance' pour 'cartable check'\n  conseil : vouliez-vous dire --audience ?"),
            std::string::npos)
      << fr.err;
  EXPECT_TRUE(fs::is_empty(empty)) << "a refused command line wrote something";
}

TEST_F(CommandLine, EveryParseErrorExitsOne) {
  for (const char* args : {"new", "new entry --task formation", "build --audience everyone", "build -j many",
                           "build --out", "serve --port 1 --port", "access"}) {
    RunResult r = run_cartable(empty, args);
    EXPECT_EQ(r.status, 1) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("hint: "), std::string::npos) << args << "\n" << r.err;
  }
  EXPECT_NE(run_cartable(empty, "new entry --task formation").err.find("'cartable new entry' needs --module"),
            std::string::npos);
}

TEST_F(CommandLine, VersionIsTheProjects) {
  std::smatch m;
  std::string cmake = read(fs::path(CARTABLE_SOURCE_DIR) / "CMakeLists.txt");
  ASSERT_TRUE(std::regex_search(cmake, m, std::regex(R"(project\(cartable VERSION ([0-9.]+))")));
  RunResult r = run_cartable(empty, "--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "cartable " + m[1].str() + "\n");
}

TEST_F(CommandLine, HelpIsInTheUsersLanguage) {
  RunResult fr = run_cartable(empty, "--lang fr build --help");
  EXPECT_EQ(fr.status, 0);
  EXPECT_NE(fr.out.find("Utilisation"), std::string::npos) << fr.out;
  EXPECT_NE(fr.out.find("Produit le site dans le dossier de sortie"), std::string::npos) << fr.out;
  EXPECT_NE(fr.out.find("Affiche cette aide"), std::string::npos) << fr.out;
  RunResult en = run_cartable(empty, "--help");
  EXPECT_EQ(en.status, 0);
  EXPECT_NE(en.out.find("Render the site into the output folder"), std::string::npos) << en.out;
}

TEST_F(Cli, SlugsFromAnyNameAreTransliteratedAndNeverEmpty) {
  RunResult cyrillic = run_cartable(dir, "new portfolio \"Иван Петров\"");
  ASSERT_EQ(cyrillic.status, 0) << cyrillic.err;
  EXPECT_EQ(cyrillic.out, "portfolios/ivan-petrov/portfolio.yaml\n");
  RunResult german = run_cartable(dir, "new portfolio \"Jürgen Groß\"");
  EXPECT_EQ(german.out, "portfolios/jurgen-gross/portfolio.yaml\n");
  RunResult emoji = run_cartable(dir, "new portfolio \"🎉\"");
  ASSERT_EQ(emoji.status, 0) << emoji.err;
  EXPECT_TRUE(std::regex_match(emoji.out, std::regex("portfolios/x-[0-9a-f]{8}/portfolio.yaml\n"))) << emoji.out;
  RunResult blank = run_cartable(dir, "new portfolio \"   \"");
  EXPECT_EQ(blank.status, 1);
  EXPECT_NE(blank.err.find("a portfolio needs its owner's name"), std::string::npos) << blank.err;
  RunResult built = run_cartable(dir, "build --no-search");
  ASSERT_EQ(built.status, 0) << built.err;
  EXPECT_TRUE(fs::exists(dir / "public/portfolios/ivan-petrov/index.html"));
}

// `new portfolio --catalogue`: a participant's repository set up from the
// programme's saved catalogue, with cartable's own theme.
namespace {

class PortfolioOnly : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::path hep = temp_dir("portfolio-only-hep");
    copy_default_site(hep);
    RunResult r = run_cartable(hep, "build --no-search");
    ASSERT_EQ(r.status, 0) << r.err;
    catalogue = new fs::path(hep / "public/api/catalogue.json");
  }
  void SetUp() override { solo = temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name()); }
  void TearDown() override { fs::remove_all(solo); }
  static fs::path* catalogue;
  fs::path solo;
};
fs::path* PortfolioOnly::catalogue = nullptr;

}  // namespace

TEST_F(PortfolioOnly, CatalogueAlreadyInTheFolderWorksAndBuilds) {
  fs::copy_file(*catalogue, solo / "catalogue.json");
  RunResult setup = run_cartable(solo, "new portfolio \"Inès Maillard\" --catalogue catalogue.json --owners imaillard,jdoe");
  ASSERT_EQ(setup.status, 0) << setup.err;
  EXPECT_EQ(setup.out, "portfolios/ines-maillard/portfolio.yaml\n");
  EXPECT_EQ(read(solo / ".gitignore"), "public/\n.public.cartable/\n");
  EXPECT_EQ(read(solo / "catalogue.json"), read(*catalogue));
  EXPECT_TRUE(fs::exists(solo / "themes/default/templates/base.mustache"));
  std::string yaml = read(solo / "portfolios/ines-maillard/portfolio.yaml");
  EXPECT_NE(yaml.find("\nowners: [\"imaillard\", \"jdoe\"]\n"), std::string::npos) << yaml;
  RunResult build = run_cartable(solo, "build --no-search");
  ASSERT_EQ(build.status, 0) << build.err;
  EXPECT_TRUE(fs::exists(solo / "public/portfolios/ines-maillard/index.html"));
  RunResult access = run_cartable(solo, "access --format codeowners");
  EXPECT_NE(access.out.find("/portfolios/ines-maillard/ @imaillard @jdoe"), std::string::npos) << access.out << access.err;
}

TEST_F(PortfolioOnly, CatalogueElsewhereIsCopiedAndAGitignoreIsCompleted) {
  fs::create_directory(solo / "Téléchargements");
  fs::copy_file(*catalogue, solo / "Téléchargements/catalogue (1).json");
  write(solo / ".gitignore", "*.docx");
  RunResult setup = run_cartable(solo, "new portfolio \"Luca Ferrari\" --catalogue 'Téléchargements/catalogue (1).json'");
  ASSERT_EQ(setup.status, 0) << setup.err;
  EXPECT_EQ(read(solo / "catalogue.json"), read(*catalogue));
  EXPECT_EQ(read(solo / ".gitignore"), "*.docx\npublic/\n.public.cartable/\n");
  EXPECT_EQ(read(solo / "portfolios/luca-ferrari/portfolio.yaml").find("owners:"), std::string::npos);
}

TEST_F(PortfolioOnly, AFailedSetupLeavesTheFolderAsItWas) {
  write(solo / "catalogue.json", "{\"modules\": 3}");
  write(solo / ".gitignore", "*.docx\n");
  auto before = snapshot(solo);
  RunResult bad = run_cartable(solo, "new portfolio \"Inès Maillard\" --catalogue catalogue.json");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("catalogue.json"), std::string::npos) << bad.err;
  EXPECT_EQ(snapshot(solo), before);
  EXPECT_FALSE(fs::exists(solo / "themes"));
  EXPECT_FALSE(fs::exists(solo / "site.yaml"));
  // Fixed, the same command then works: nothing half-made is in the way.
  fs::copy_file(*catalogue, solo / "catalogue.json", fs::copy_options::overwrite_existing);
  RunResult good = run_cartable(solo, "new portfolio \"Inès Maillard\" --catalogue catalogue.json");
  EXPECT_EQ(good.status, 0) << good.err;
}

TEST_F(PortfolioOnly, AThemeWithALinkIsRefusedNotFollowed) {
  fs::path theme = solo / "theme-with-link";
  fs::copy(fs::path(CARTABLE_SOURCE_DIR) / "themes/default", theme, fs::copy_options::recursive);
  write(solo / "secret.txt", "not for the repository");
  fs::create_symlink(solo / "secret.txt", theme / "static/secret.txt");
  fs::path repo = solo / "repo";
  fs::create_directory(repo);
  RunResult r = run_cartable(repo, "new portfolio \"Inès Maillard\" --catalogue '" + catalogue->string() + "' --theme '" +
                                       theme.string() + "'");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("static/secret.txt' is a symbolic link"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(repo)) << "a refused setup left files behind";
}

TEST_F(CommandLine, AWrongValueIsRefusedWithTheChoices) {
  RunResult fr = run_cartable(empty, "--lang fr build --audience expert");
  EXPECT_EQ(fr.status, 1);
  EXPECT_NE(fr.err.find("valeur refusée : --audience: 'expert' n'est pas parmi : public, experts (vouliez-vous dire experts ?)"),
            std::string::npos)
      << fr.err;
  RunResult en = run_cartable(empty, "check --previous-ics absent.ics");
  EXPECT_EQ(en.status, 1);
  EXPECT_NE(en.err.find("invalid value: --previous-ics: no file 'absent.ics'"), std::string::npos) << en.err;
  RunResult help = run_cartable(empty, "--lang fr build --help");
  EXPECT_NE(help.out.find("--audience TEXTE:{public, experts}"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--previous-ics TEXTE:FICHIER"), std::string::npos) << help.out;
}

// `serve` finds its error page and reload script in the site's own theme,
// in the site's language, like build does (it once read themes/default).
TEST_F(Cli, ServeUsesTheSitesThemeForItsErrorPage) {
  fs::rename(dir / "themes/default", dir / "themes/maison");
  replace_in_file(dir / "site.yaml", "theme: default", "theme: maison");
  replace_in_file(dir / "portfolios/luca-ferrari/veille-robotique.md", "module: m2", "module: m99");
  fs::path log = dir / "serve.out";
  std::string cmd = "cd '" + dir.string() + "' && exec " + CARTABLE_BIN + " serve --port 0 --out '" +
                    (dir / "public").string() + "' >'" + log.string() + "' 2>'" + (dir / "serve.err").string() + "'";
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  int port = 0;
  for (int i = 0; i < 200 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::string out = read(log);
    auto at = out.find("http://127.0.0.1:");
    if (at != std::string::npos) port = std::atoi(out.c_str() + at + 17);
  }
  int page_status = 0;
  std::string page, script;
  if (port > 0) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(5, 0);
    if (auto res = client.Get("/")) {
      page_status = res->status;
      page = res->body;
    }
    if (auto res = client.Get("/__cartable/live.js")) script = res->body;
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_GT(port, 0) << read(dir / "serve.err");
  EXPECT_EQ(page_status, 500);
  EXPECT_NE(page.find("<h1>Le site ne peut pas être construit</h1>"), std::string::npos) << page;
  EXPECT_NE(page.find("m99"), std::string::npos);
  EXPECT_FALSE(script.empty());
  EXPECT_EQ(script, read(dir / "themes/maison/serve/live.js"));
}
