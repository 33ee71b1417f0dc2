// Authoring as a participant meets it: `check` in its three formats, `new`,
// and `serve` with live reload and an error page.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support.h"

extern char** environ;

using namespace cartable_test;

namespace {

class Authoring : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = temp_dir(std::string("auth-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    copy_default_site(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

}  // namespace

TEST_F(Authoring, CheckTextFormatAndExitCodes) {
  RunResult ok = run_cartable(dir, "check");
  EXPECT_EQ(ok.status, 0);
  EXPECT_NE(ok.err.find("cartable: no errors"), std::string::npos);
  replace_in_file(dir / "portfolios/luca-ferrari/veille-robotique.md", "task: veille", "task: veile");
  RunResult bad = run_cartable(dir, "check");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("portfolios/luca-ferrari/veille-robotique.md:5:7: error: module m2 has no task 'veile'"),
            std::string::npos)
      << bad.err;
}

TEST_F(Authoring, CheckJsonFormatForEditors) {
  replace_in_file(dir / "portfolios/luca-ferrari/veille-robotique.md", "task: veille", "task: veile");
  RunResult r = run_cartable(dir, "check --format json");
  EXPECT_EQ(r.status, 1);
  auto diags = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& d : diags) {
    if (d["severity"] == "error") {
      EXPECT_EQ(d["file"], "portfolios/luca-ferrari/veille-robotique.md");
      EXPECT_EQ(d["line"], 5);
      EXPECT_EQ(d["column"], 7);
      EXPECT_EQ(d["message"], "module m2 has no task 'veile'");
      EXPECT_EQ(d["hint"], "did you mean veille?");
      found = true;
    }
  }
  EXPECT_TRUE(found) << r.out;
  // No errors: still valid JSON, exit 0; warnings are listed.
  fs::path clean = temp_dir("auth-json-clean");
  copy_default_site(clean);
  RunResult ok = run_cartable(clean, "check --format json");
  EXPECT_EQ(ok.status, 0);
  auto all = nlohmann::json::parse(ok.out);
  EXPECT_FALSE(all.empty());
  EXPECT_EQ(all[0]["severity"], "warning");
  fs::remove_all(clean);
}

TEST_F(Authoring, CheckAnnotatesInGithubActions) {
  replace_in_file(dir / "portfolios/luca-ferrari/veille-robotique.md", "task: veille", "task: veile");
  RunResult r = run_cartable(dir, "check");
  EXPECT_EQ(r.out.find("::error"), std::string::npos);  // not outside GitHub Actions
  ::setenv("GITHUB_ACTIONS", "true", 1);
  RunResult gha = run_cartable(dir, "check");
  ::unsetenv("GITHUB_ACTIONS");
  EXPECT_EQ(gha.status, 1);
  EXPECT_NE(gha.out.find("::error file=portfolios/luca-ferrari/veille-robotique.md,line=5,col=7,title=cartable::module m2 "
                         "has no task 'veile' (did you mean veille?)"),
            std::string::npos)
      << gha.out;
  EXPECT_NE(gha.out.find("::warning file=content/programme.md,line="), std::string::npos);
}

TEST_F(Authoring, NewPortfolioAndNewEntryBuild) {
  RunResult p = run_cartable(dir, "new portfolio \"Zoé Müller\" --school \"École de test\"");
  ASSERT_EQ(p.status, 0) << p.err;
  EXPECT_EQ(p.out, "portfolios/zoe-muller/portfolio.yaml\n");
  RunResult again = run_cartable(dir, "new portfolio \"Zoé Müller\"");
  EXPECT_EQ(again.status, 1);  // never overwrites
  EXPECT_NE(again.err.find("already exists"), std::string::npos);
  RunResult e = run_cartable(dir / "portfolios/zoe-muller", "new entry --source ../.. --module m4 --task formation");
  ASSERT_EQ(e.status, 0) << e.err;
  fs::path entry = dir / "portfolios/zoe-muller/conception-et-animation-d-une-formation-en-etablissement.md";
  std::string text = read(entry);
  EXPECT_NE(text.find("title: \"Conception et animation d'une formation en établissement\""), std::string::npos) << text;
  EXPECT_NE(text.find("module: m4\ntask: formation\nkind: session-description\n"), std::string::npos);
  EXPECT_NE(text.find("  - rc-num-so/3.1  # Intégration critique"), std::string::npos);
  // The body follows the INSPÉ grid's three phases.
  EXPECT_LT(text.find("## Conception"), text.find("## Mise en œuvre"));
  EXPECT_LT(text.find("## Mise en œuvre"), text.find("## Retour réflexif"));
  EXPECT_EQ(run_cartable(dir, "check").status, 0);
  // A wrong task says which ones exist.
  RunResult wrong = run_cartable(dir, "new entry --portfolio zoe-muller --module m4 --task formations");
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.err.find("hint: did you mean formation?"), std::string::npos);
  // Several portfolios and no hint of which: a clear question.
  RunResult which = run_cartable(dir, "new entry --module m4 --task formation");
  EXPECT_EQ(which.status, 1);
  EXPECT_NE(which.err.find("which portfolio?"), std::string::npos);
}

namespace {

// `cartable serve --port 0` in the background; its port read from stdout.
struct Server {
  pid_t pid = 0;
  int port = 0;
  explicit Server(const fs::path& site, const std::string& options = "") {
    fs::path log = site / "serve.out";
    std::string cmd = "cd '" + site.string() + "' && exec " + CARTABLE_BIN + " serve " + options + " --port 0 --out '" +
                      (site / "build/preview").string() + "' >'" + log.string() + "' 2>'" + (site / "serve.err").string() + "'";
    const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
    posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ);
    for (int i = 0; i < 100 && port == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::string out = read(log);
      auto at = out.find("http://127.0.0.1:");
      if (at != std::string::npos) port = std::atoi(out.c_str() + at + 17);
    }
  }
  ~Server() {
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
  }
};

// Polls `path` until `ok` holds, for up to five seconds.
httplib::Result poll_until(httplib::Client& client, const std::string& path,
                           const std::function<bool(const httplib::Result&)>& ok) {
  for (int i = 0; i < 100; ++i) {
    auto res = client.Get(path.c_str());
    if (res && ok(res)) return res;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return client.Get(path.c_str());
}

}  // namespace

TEST_F(Authoring, ServeRebuildsShowsErrorsAndReloads) {
  Server server(dir);
  ASSERT_GT(server.port, 0) << read(dir / "serve.err");
  httplib::Client client("127.0.0.1", server.port);
  client.set_read_timeout(5, 0);
  const std::string page = "/portfolios/luca-ferrari/veille-robotique/";
  auto first = client.Get(page.c_str());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_NE(first->body.find("<h1>Veille sur la robotique pédagogique</h1>"), std::string::npos);
  EXPECT_NE(first->body.find("<script src=\"/__cartable/live.js\"></script>"), std::string::npos);
  // Private content is shown to its owner, and says so.
  auto priv = client.Get("/portfolios/luca-ferrari/notes-personnelles/");
  ASSERT_TRUE(priv);
  EXPECT_NE(priv->body.find("Privé — visible seulement ici"), std::string::npos);

  // The live-reload channel announces the next rebuild.
  std::string events;
  std::thread listener([&] {
    httplib::Client sse("127.0.0.1", server.port);
    sse.set_read_timeout(8, 0);
    sse.Get("/__cartable/events", [&](const char* data, size_t len) {
      events.append(data, len);
      return events.find("data:") == std::string::npos;
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  fs::path file = dir / "portfolios/luca-ferrari/veille-robotique.md";
  replace_in_file(file, "title: Veille sur la robotique pédagogique", "title: Veille robotique, deuxième version");
  auto edited = poll_until(client, page, [](const httplib::Result& r) {
    return r->body.find("deuxième version") != std::string::npos;
  });
  ASSERT_TRUE(edited);
  EXPECT_NE(edited->body.find("<h1>Veille robotique, deuxième version</h1>"), std::string::npos);
  listener.join();
  EXPECT_NE(events.find("data:"), std::string::npos);

  // Broken: every page shows the error instead of a stale page.
  replace_in_file(file, "module: m2", "module: m9");
  auto broken = poll_until(client, "/", [](const httplib::Result& r) { return r->status == 500; });
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 500);
  EXPECT_NE(broken->body.find("portfolios/luca-ferrari/veille-robotique.md:4:9: error: unknown module &apos;m9&apos;"),
            std::string::npos)
      << broken->body;
  // Fixed: back to the site.
  replace_in_file(file, "module: m9", "module: m2");
  auto fixed = poll_until(client, page, [](const httplib::Result& r) { return r->status == 200; });
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->status, 200);
  EXPECT_NE(fixed->body.find("deuxième version"), std::string::npos);
}

// The jury's site, previewed: what `build --audience experts` writes, no
// drafts, no private content.
TEST_F(Authoring, ServeAudienceExpertsPreviewsTheJurysSite) {
  Server server(dir, "--audience experts");
  ASSERT_GT(server.port, 0) << read(dir / "serve.err");
  httplib::Client client("127.0.0.1", server.port);
  client.set_read_timeout(5, 0);
  auto overview = client.Get("/experts/");
  ASSERT_TRUE(overview);
  EXPECT_EQ(overview->status, 200);
  EXPECT_NE(overview->body.find("Inès Maillard"), std::string::npos);
  auto csv = client.Get("/experts/certification.csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->body.substr(0, 3), "\xEF\xBB\xBF");
  auto priv = client.Get("/portfolios/luca-ferrari/notes-personnelles/");
  ASSERT_TRUE(priv);
  EXPECT_EQ(priv->body.find("Privé — visible seulement ici"), std::string::npos);
  EXPECT_NE(priv->status, 200);
}
