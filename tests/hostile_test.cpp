// Hostile inputs (tests/hostile/): each gets its expected diagnostic, or is
// rendered safely; never a crash, a hang, or content escaping its place.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "support.h"

extern char** environ;

using namespace cartable_test;

namespace {

struct Case {
  std::string name;
  std::string expect;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  fs::path dir = fs::path(CARTABLE_SOURCE_DIR) / "tests/hostile";
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".md" && e.path().filename() != "README.md") {
      out.push_back({e.path().stem().string(), read(fs::path(e.path()).replace_extension(".expect"))});
    }
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

class Hostile : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(Hostile, IsDiagnosedOrRenderedSafely) {
  const Case& c = GetParam();
  fs::path site = temp_dir("hostile-" + c.name);
  copy_default_site(site);
  fs::copy_file(fs::path(CARTABLE_SOURCE_DIR) / "tests/hostile" / (c.name + ".md"),
                site / "portfolios/luca-ferrari" / (c.name + ".md"));
  RunResult r = run_cartable(site, "build --no-search");
  std::istringstream lines(c.expect);
  std::string first;
  std::getline(lines, first);
  if (first.rfind("error: ", 0) == 0) {
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find("portfolios/luca-ferrari/" + c.name + ".md:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(first), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(site / "public"));
  } else {
    ASSERT_EQ(first, "ok");
    ASSERT_EQ(r.status, 0) << r.err;
    std::string html = read(site / "public/portfolios/luca-ferrari" / c.name / "index.html");
    ASSERT_FALSE(html.empty());
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("absent: ", 0) == 0) {
        EXPECT_EQ(html.find(line.substr(8)), std::string::npos) << line;
      }
      if (line.rfind("present: ", 0) == 0) {
        EXPECT_NE(html.find(line.substr(9)), std::string::npos) << line;
      }
    }
  }
  fs::remove_all(site);
}

INSTANTIATE_TEST_SUITE_P(Inputs, Hostile, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = info.param.name;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

// Too big to keep in git: a 50 MB entry.
TEST(HostileSize, FiftyMegabyteEntryIsRefusedWithAHint) {
  fs::path site = temp_dir("hostile-huge");
  copy_default_site(site);
  {
    std::ofstream out(site / "portfolios/luca-ferrari/enorme.md", std::ios::binary);
    out << "---\ntitle: Énorme\ndate: 2027-01-01\nmodule: m1\ntask: environnements\ncompetencies: [rc-num-so/2.1]\n"
           "status: submitted\n---\n";
    std::string line(1023, 'a');
    line += '\n';
    for (int i = 0; i < 50 * 1024; ++i) out << line;
  }
  RunResult r = run_cartable(site, "build --no-search");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("portfolios/luca-ferrari/enorme.md: error: file too large (50 MB; the limit is 8 MB)"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("hint: put long documents in a PDF attachment"), std::string::npos);
  fs::remove_all(site);
}

// Nothing a participant writes reaches a page as markup or script, anywhere.
TEST(HostileEverywhere, NoInlineScriptOrStyleInAnyPage) {
  fs::path site = temp_dir("hostile-csp");
  copy_default_site(site);
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  size_t pages = 0;
  for (const auto& [path, html] : snapshot(site / "public")) {
    if (path.size() < 5 || path.substr(path.size() - 5) != ".html") continue;
    ++pages;
    // Under Content-Security-Policy "script-src 'self'; style-src 'self'":
    // scripts come from files, styles from the stylesheet; JSON-LD is data.
    for (size_t at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1)) {
      std::string tag = html.substr(at, html.find('>', at) - at);
      EXPECT_TRUE(tag.find(" src=") != std::string::npos || tag.find("application/ld+json") != std::string::npos)
          << path << ": " << tag;
    }
    EXPECT_EQ(html.find("<style"), std::string::npos) << path;
    EXPECT_EQ(html.find(" style=\""), std::string::npos) << path;
    EXPECT_EQ(html.find(" onclick="), std::string::npos) << path;
  }
  EXPECT_GT(pages, 100u);
  fs::remove_all(site);
}

// --- Attacks on a real file system (issue 13) --------------------------------
// Each builds a copy of the default site in <root>/site, with the attacker's
// targets beside it in <root>, and checks that the build refuses with a
// diagnostic, publishes nothing and touches nothing outside its output.

namespace {

struct AttackSite {
  fs::path root;
  fs::path site;
  explicit AttackSite(const std::string& name) : root(temp_dir("attack-" + name)), site(root / "site") {
    copy_default_site(site);
  }
  ~AttackSite() { fs::remove_all(root); }
  RunResult build(const std::string& args = "build --no-search") const { return run_cartable(site, args); }
};

const char* kSecret = "SECRET-MARKER-7f3a";

std::string entry_with_attachment(const std::string& file) {
  return "---\ntitle: Pièce jointe\ndate: 2027-01-01\nmodule: m1\ntask: environnements\n"
         "competencies: [rc-num-so/2.1]\nstatus: submitted\nattachments:\n  - file: " + file +
         "\n    title: Document\n---\nTexte.\n";
}

void expect_refused(const RunResult& r, const std::string& where, const std::string& what) {
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find(where), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
}

}  // namespace

TEST(HostileLinks, SymlinkedEntryToAnExpertsOnlyEntryIsNotPublished) {
  AttackSite a("entry");
  // ines-maillard's portfolio is experts-only; the link would publish it.
  fs::create_symlink("../ines-maillard/newsletter.md", a.site / "portfolios/luca-ferrari/copie.md");
  RunResult r = a.build();
  expect_refused(r, "portfolios/luca-ferrari/copie.md' is a symbolic link", "hint: replace the link");
  EXPECT_FALSE(fs::exists(a.site / "public"));
}

TEST(HostileLinks, SymlinkedPortfolioFolderIsRefused) {
  AttackSite a("portfolio-folder");
  fs::create_directories(a.root / "elsewhere");
  write(a.root / "elsewhere/portfolio.yaml", std::string("name: Intrus\nbio: ") + kSecret + "\n");
  fs::create_directory_symlink(a.root / "elsewhere", a.site / "portfolios/intrus");
  expect_refused(a.build(), "portfolios/intrus' is a symbolic link", "error:");
  EXPECT_FALSE(fs::exists(a.site / "public"));
}

TEST(HostileLinks, SymlinkedPortfolioYamlIsRefused) {
  AttackSite a("portfolio-yaml");
  write(a.root / "other.yaml", std::string("name: ") + kSecret + "\n");
  fs::remove(a.site / "portfolios/luca-ferrari/portfolio.yaml");
  fs::create_symlink(a.root / "other.yaml", a.site / "portfolios/luca-ferrari/portfolio.yaml");
  expect_refused(a.build(), "portfolios/luca-ferrari/portfolio.yaml' is a symbolic link", "error:");
  EXPECT_FALSE(fs::exists(a.site / "public"));
}

TEST(HostileLinks, SymlinkedTemplateIsRefused) {
  AttackSite a("template");
  write(a.root / "evil.mustache", kSecret);
  fs::remove(a.site / "themes/default/templates/page.mustache");
  fs::create_symlink(a.root / "evil.mustache", a.site / "themes/default/templates/page.mustache");
  expect_refused(a.build(), "themes/default/templates/page.mustache' is a symbolic link", "error:");
  EXPECT_FALSE(fs::exists(a.site / "public"));
}

// The attack of the issue: a link in static/ made the copy write anywhere
// the pusher chose (a hook of the bare repository, run by git).
TEST(HostileLinks, SymlinkedStaticFileOrFolderIsRefusedAndNothingIsWrittenOutside) {
  AttackSite a("static");
  fs::create_directories(a.root / "victim/hooks");
  write(a.root / "secret.txt", kSecret);
  fs::create_symlink(a.root / "secret.txt", a.site / "themes/default/static/css/leak.css");
  fs::create_directory_symlink("../../../..", a.site / "themes/default/static/up");
  fs::create_directory_symlink(a.root / "victim/hooks", a.site / "themes/default/static/hooks");
  auto before = snapshot(a.root / "victim");
  RunResult r = a.build();
  expect_refused(r, "themes/default/static/css/leak.css' is a symbolic link", "themes/default/static/up' is a symbolic link");
  EXPECT_NE(r.err.find("themes/default/static/hooks' is a symbolic link"), std::string::npos) << r.err;
  EXPECT_EQ(snapshot(a.root / "victim"), before);
  EXPECT_FALSE(fs::exists(a.site / "public"));
}

TEST(HostileLinks, SymlinkedAttachmentIsRefused) {
  AttackSite a("attachment");
  write(a.root / "secret.pdf", std::string("%PDF-1.4\n") + kSecret);
  fs::create_symlink(a.root / "secret.pdf", a.site / "portfolios/luca-ferrari/lien.pdf");
  write(a.site / "portfolios/luca-ferrari/piece.md", entry_with_attachment("lien.pdf"));
  expect_refused(a.build(), "portfolios/luca-ferrari/piece.md:", "attachment 'lien.pdf' is a symbolic link");
}

// --- --out (build and serve) --------------------------------------------------

TEST(HostileOut, SourceFoldersAndWhatContainsThemAreRefusedAndNothingIsTouched) {
  AttackSite a("out");
  write(a.site / "uncommitted.md", "work in progress");
  auto before = snapshot(a.site);
  for (const std::string& out : std::vector<std::string>{".", "..", "content", "portfolios/luca-ferrari", "themes/default/static", "newfolder",
                          a.site.string(), a.root.string(), std::string("/")}) {
    RunResult r = a.build("build --no-search --out '" + out + "'");
    EXPECT_EQ(r.status, 1) << out << ": " << r.err;
    EXPECT_NE(r.err.find("error: refusing to build into '" + out + "'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("hint: nothing was written"), std::string::npos) << r.err;
    EXPECT_EQ(snapshot(a.site), before) << out;
  }
  EXPECT_FALSE(fs::exists(a.site / "newfolder"));
}

TEST(HostileOut, AHomeFolderIsRefused) {
  AttackSite a("out-home");
  fs::create_directories(a.root / "home");
  std::string saved = std::getenv("HOME") ? std::getenv("HOME") : "";
  ::setenv("HOME", (a.root / "home").c_str(), 1);
  RunResult r = a.build("build --no-search --out " + (a.root / "home").string());
  ::setenv("HOME", saved.c_str(), 1);
  expect_refused(r, "refusing to build into", "it is a home folder");
  EXPECT_TRUE(fs::is_empty(a.root / "home"));
}

TEST(HostileOut, AFolderWithOtherFilesIsRefusedAPreviousOutputIsReplaced) {
  AttackSite a("out-foreign");
  write(a.root / "documents/thesis.odt", "years of work");
  expect_refused(a.build("build --no-search --out " + (a.root / "documents").string()), "refusing to build into",
                 "cartable did not write");
  EXPECT_EQ(read(a.root / "documents/thesis.odt"), "years of work");
  // Its own previous output is fine, as are the declared folders inside.
  ASSERT_EQ(a.build("build --no-search --out " + (a.root / "out").string()).status, 0);
  EXPECT_TRUE(fs::exists(a.root / "out/.cartable-output"));
  EXPECT_EQ(a.build("build --no-search --out " + (a.root / "out").string()).status, 0);
  EXPECT_EQ(a.build("build --no-search").status, 0);
  EXPECT_EQ(a.build("build --no-search --audience experts --out experts").status, 0);
}

TEST(HostileOut, ASymlinkedOutIsJudgedByItsTargetAndNeverReplaced) {
  AttackSite a("out-link");
  fs::create_directory_symlink(a.site, a.root / "to-source");
  auto before = snapshot(a.site);
  expect_refused(a.build("build --no-search --out " + (a.root / "to-source").string()), "refusing to build into",
                 "it is the source folder");
  EXPECT_EQ(snapshot(a.site), before);
  fs::create_directories(a.root / "target");
  fs::create_directory_symlink(a.root / "target", a.root / "to-target");
  RunResult r = a.build("build --no-search --out " + (a.root / "to-target").string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(a.root / "to-target"));
  EXPECT_TRUE(fs::exists(a.root / "target/index.html"));
}

// --- Duplicate keys, limits -----------------------------------------------------

TEST(HostileYaml, DuplicateKeysInPortfolioYamlAndContentAreErrorsAtTheSecondKey) {
  AttackSite a("duplicates");
  fs::path portfolio = a.site / "portfolios/luca-ferrari/portfolio.yaml";
  std::string text = read(portfolio);
  write(portfolio, text + "visibility: private\nvisibility: public\n");
  int line = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 2;
  replace_in_file(a.site / "content/modules/m1.md", "---\n", "---\nnumber: 9\n");
  RunResult r = a.build();
  expect_refused(r, "portfolios/luca-ferrari/portfolio.yaml:" + std::to_string(line) + ":1: error: duplicate key 'visibility'",
                 "content/modules/m1.md:");
  EXPECT_NE(r.err.find("duplicate key 'number' (first given on line 2)"), std::string::npos) << r.err;
}

TEST(HostileLimits, OversizeAttachmentIsRefusedUnlessSiteYamlRaisesTheLimit) {
  AttackSite a("oversize");
  {
    std::ofstream out(a.site / "portfolios/luca-ferrari/gros.pdf", std::ios::binary);
    out << "%PDF-1.4\n" << std::string(21 * 1024 * 1024, 'x');
  }
  write(a.site / "portfolios/luca-ferrari/piece.md", entry_with_attachment("gros.pdf"));
  expect_refused(a.build(), "portfolios/luca-ferrari/piece.md:", "attachment 'gros.pdf' is too large (21 MB; the limit is 20 MB)");
  EXPECT_NE(a.build().err.find("max_attachment_mb"), std::string::npos);
  replace_in_file(a.site / "site.yaml", "theme: default\n", "theme: default\nmax_attachment_mb: 25\n");
  RunResult r = a.build();
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(fs::file_size(a.site / "public/portfolios/luca-ferrari/piece/gros.pdf"), 21u * 1024 * 1024 + 9);
}

TEST(HostileLimits, AFileNamedPdfThatIsNotOneIsRefused) {
  AttackSite a("fake-pdf");
  write(a.site / "portfolios/luca-ferrari/faux.pdf", "<html><script>alert(1)</script></html>");
  write(a.site / "portfolios/luca-ferrari/piece.md", entry_with_attachment("faux.pdf"));
  expect_refused(a.build(), "portfolios/luca-ferrari/piece.md:", "attachment 'faux.pdf' is not a pdf file");
  // And a GIF named .png.
  write(a.site / "portfolios/luca-ferrari/faux.pdf", "%PDF-1.4\n");
  write(a.site / "portfolios/luca-ferrari/image.png", "GIF89a\x01\x00\x01\x00");
  write(a.site / "portfolios/luca-ferrari/piece.md", entry_with_attachment("image.png"));
  replace_in_file(a.site / "portfolios/luca-ferrari/piece.md", "    title: Document", "    alt: Une image");
  expect_refused(a.build(), "portfolios/luca-ferrari/piece.md:", "attachment 'image.png' is not a png file");
}

TEST(HostileLimits, AttachmentUrlsArePercentEncoded) {
  AttackSite a("attachment-url");
  write(a.site / "portfolios/luca-ferrari/mon dossier #1.pdf", "%PDF-1.4\n");
  write(a.site / "portfolios/luca-ferrari/piece.md", entry_with_attachment("\"mon dossier #1.pdf\""));
  RunResult r = a.build();
  ASSERT_EQ(r.status, 0) << r.err;
  std::string html = read(a.site / "public/portfolios/luca-ferrari/piece/index.html");
  EXPECT_NE(html.find("piece/mon%20dossier%20%231.pdf\""), std::string::npos) << html;
  EXPECT_TRUE(fs::exists(a.site / "public/portfolios/luca-ferrari/piece/mon dossier #1.pdf"));
}

// --- Nothing from the sources is executed ---------------------------------------

TEST(HostileExec, APagefindCommittedInTheSourcesIsNeverRun) {
  AttackSite a("exec");
  std::string planted = "#!/bin/sh\ntouch '" + (a.root / "ran").string() + "'\nexit 1\n";
  for (const char* where : {"scripts/node_modules/.bin/pagefind", "pagefind"}) {
    write(a.site / where, planted);
    fs::permissions(a.site / where, fs::perms::owner_all);
  }
  const char* env = std::getenv("CARTABLE_PAGEFIND");
  std::string saved_env = env ? env : "", saved_path = std::getenv("PATH");
  ::unsetenv("CARTABLE_PAGEFIND");
  ::setenv("PATH", (".::" + saved_path).c_str(), 1);  // relative entries: the current folder
  RunResult r = a.build("build --out " + (a.root / "out").string());
  ::setenv("PATH", saved_path.c_str(), 1);
  if (env) ::setenv("CARTABLE_PAGEFIND", saved_env.c_str(), 1);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(fs::exists(a.root / "ran"));
}

// --- serve ----------------------------------------------------------------------

namespace {

// `cartable serve <args>` in the background, with its own TMPDIR.
struct ServeProcess {
  pid_t pid = 0;
  int port = 0;
  int status = -1;  // the exit status once it has ended
  fs::path log, err;
  ServeProcess(const fs::path& site, const std::string& args, const fs::path& tmpdir) {
    log = tmpdir.parent_path() / ("serve-" + std::to_string(++count()) + ".out");
    err = fs::path(log).replace_extension(".err");
    std::string cmd = "cd '" + site.string() + "' && TMPDIR='" + tmpdir.string() + "' exec " + CARTABLE_BIN + " serve " +
                      args + " >'" + log.string() + "' 2>'" + err.string() + "'";
    const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
    posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ);
    for (int i = 0; i < 200 && port == 0 && running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::string out = read(log);
      auto at = out.find("http://127.0.0.1:");
      if (at != std::string::npos) port = std::atoi(out.c_str() + at + 17);
    }
  }
  bool running() {
    if (pid == 0) return false;
    int raw = 0;
    if (waitpid(pid, &raw, WNOHANG) == pid) {
      status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
      pid = 0;
    }
    return pid != 0;
  }
  void stop() {
    if (pid == 0) return;
    kill(pid, SIGTERM);
    int raw = 0;
    waitpid(pid, &raw, 0);
    status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    pid = 0;
  }
  ~ServeProcess() { stop(); }
  static int& count() {
    static int n = 0;
    return n;
  }
};

// A raw request, so that the Host header and the path are exactly ours.
std::string raw_get(int port, const std::string& path, const std::string& host) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5, 0);
  httplib::Headers headers = {{"Host", host}};
  auto res = client.Get(path.c_str(), headers);
  return res ? std::to_string(res->status) : "no answer";
}

}  // namespace

TEST(HostileServe, AnswersOnlyLocalHostNamesAndRefusesNulInPaths) {
  AttackSite a("serve-host");
  fs::create_directories(a.root / "tmp");
  ServeProcess s(a.site, "--port 0", a.root / "tmp");
  ASSERT_GT(s.port, 0) << read(s.err);
  std::string p = std::to_string(s.port);
  EXPECT_EQ(raw_get(s.port, "/", "127.0.0.1:" + p), "200");
  EXPECT_EQ(raw_get(s.port, "/", "localhost:" + p), "200");
  EXPECT_EQ(raw_get(s.port, "/", "[::1]:" + p), "200");
  EXPECT_EQ(raw_get(s.port, "/", "attacker.example:" + p), "403");  // DNS rebinding
  EXPECT_EQ(raw_get(s.port, "/", "localhost.attacker.example"), "403");
  EXPECT_EQ(raw_get(s.port, "/index.html%00.png", "127.0.0.1:" + p), "400");
  EXPECT_EQ(raw_get(s.port, "/../site.yaml", "127.0.0.1:" + p), "403");
}

TEST(HostileServe, EightOpenTabsDoNotBlockThePreview) {
  AttackSite a("serve-tabs");
  fs::create_directories(a.root / "tmp");
  ServeProcess s(a.site, "--port 0", a.root / "tmp");
  ASSERT_GT(s.port, 0) << read(s.err);
  std::atomic<bool> done{false};
  std::vector<std::thread> tabs;
  for (int i = 0; i < 12; ++i) {
    tabs.emplace_back([&] {
      httplib::Client sse("127.0.0.1", s.port);
      sse.set_read_timeout(15, 0);
      sse.Get("/__cartable/events", [&](const char*, size_t) { return !done; });
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto start = std::chrono::steady_clock::now();
  httplib::Client client("127.0.0.1", s.port);
  client.set_read_timeout(3, 0);
  auto res = client.Get("/");
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(res) << "no answer with 12 live-reload streams open";
  EXPECT_EQ(res->status, 200);
  EXPECT_LT(ms, 2000);
  done = true;
  s.stop();  // ends the streams
  for (auto& t : tabs) t.join();
}

TEST(HostileServe, RemovesItsTemporaryFolderOnExit) {
  AttackSite a("serve-temp");
  fs::create_directories(a.root / "tmp");
  ServeProcess s(a.site, "--port 0", a.root / "tmp");
  ASSERT_GT(s.port, 0) << read(s.err);
  EXPECT_FALSE(fs::is_empty(a.root / "tmp"));  // the preview is there while it runs
  s.stop();
  EXPECT_TRUE(fs::is_empty(a.root / "tmp"));
}

TEST(HostileServe, RefusesToStartWhenItsPortIsTaken) {
  AttackSite a("serve-port");
  fs::create_directories(a.root / "tmp");
  ServeProcess first(a.site, "--port 0", a.root / "tmp");
  ASSERT_GT(first.port, 0) << read(first.err);
  ServeProcess second(a.site, "--port " + std::to_string(first.port), a.root / "tmp");
  for (int i = 0; i < 100 && second.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(second.running());
  EXPECT_EQ(second.status, 1);
  EXPECT_NE(read(second.err).find("cannot listen on 127.0.0.1:" + std::to_string(first.port)), std::string::npos)
      << read(second.err);
}

TEST(HostileServe, RefusesTheSourceFolderAsItsOutput) {
  AttackSite a("serve-out");
  fs::create_directories(a.root / "tmp");
  auto before = snapshot(a.site);
  ServeProcess s(a.site, "--port 0 --out .", a.root / "tmp");
  for (int i = 0; i < 100 && s.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(s.running());
  EXPECT_EQ(s.status, 1);
  EXPECT_NE(read(s.err).find("error: refusing to build into '.'"), std::string::npos) << read(s.err);
  EXPECT_EQ(snapshot(a.site), before);
}

TEST(HostileLinks, ThemeAndCataloguePathsCannotLeaveTheSite) {
  AttackSite a("theme-path");
  fs::create_directories(a.root / "evil/templates");
  write(a.root / "evil/templates/page.mustache", kSecret);
  replace_in_file(a.site / "site.yaml", "theme: default", "theme: ../../evil");
  expect_refused(a.build(), "site.yaml:", "theme '../../evil' must be the name of a folder of themes/");
  replace_in_file(a.site / "site.yaml", "theme: ../../evil", "theme: default\ncatalogue: ../catalogue.json");
  write(a.root / "catalogue.json", "{\"format\": \"cartable-catalogue\"}");
  expect_refused(a.build(), "site.yaml:", "'../catalogue.json' is outside the site's folder");
  fs::create_symlink(a.root / "catalogue.json", a.site / "catalogue.json");
  replace_in_file(a.site / "site.yaml", "catalogue: ../catalogue.json", "catalogue: catalogue.json");
  expect_refused(a.build(), "catalogue.json' is a symbolic link", "error:");
}

TEST(HostileLinks, SymlinkedContentAndThemeFoldersAreRefused) {
  AttackSite a("folders");
  fs::rename(a.site / "content/modules", a.root / "modules");
  fs::create_directory_symlink(a.root / "modules", a.site / "content/modules");
  fs::rename(a.site / "themes/default", a.root / "theme");
  fs::create_directory_symlink(a.root / "theme", a.site / "themes/default");
  RunResult r = a.build();
  expect_refused(r, "content/modules' is a symbolic link", "error:");
  EXPECT_FALSE(fs::exists(a.site / "public"));
  fs::remove(a.site / "content/modules");
  fs::rename(a.root / "modules", a.site / "content/modules");
  expect_refused(a.build(), "themes/default' is a symbolic link", "error:");
}
