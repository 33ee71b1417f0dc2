// cartable: the command line. Parses arguments and hands over to the
// pipeline (build.h); nothing else lives here.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include <yaml-cpp/yaml.h>

#include "assess/assess.h"
#include "access/access.h"
#include "build.h"
#include "output/interrupt.h"
#include "scaffold/scaffold.h"
#include "serve/serve.h"

using namespace cartable;

namespace {

// Text on stderr always; GitHub annotations on stdout inside GitHub Actions.
int report(const Diagnostics& diags, bool ok) {
  print_diagnostics(diags, std::cerr);
  if (const char* gha = std::getenv("GITHUB_ACTIONS"); gha && std::string(gha) == "true") {
    for (const auto& d : diags.sorted()) std::cout << github_annotation(d) << '\n';
  }
  if (!ok) {
    size_t n = diags.error_count();
    std::cerr << "cartable: " << translate(trn("{1} error, nothing written", "{1} errors, nothing written", n, n)) << "\n";
    return 1;
  }
  return 0;
}

// The `language:` of the site's configuration, or "" when it cannot be
// read (the loader reports why, in the language chosen without it).
std::string site_language(const std::string& source) {
  try {
    YAML::Node site = YAML::LoadFile(source + "/site.yaml");
    if (site.IsMap() && site["language"] && site["language"].IsScalar()) return site["language"].as<std::string>();
  } catch (const std::exception&) {
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cartable: publishes a training programme and its participants' portfolios"};
  app.require_subcommand(1);
  std::string lang;
  app.add_option("--lang", lang, "Language of the messages: fr or en (default: the site's, English if $LANG is)");
  app.fallthrough();

  BuildOptions build;
  CLI::App* build_cmd = app.add_subcommand("build", "Render the site into the output folder");
  build_cmd->add_option("--source", build.source, "Site folder (contains site.yaml)")->capture_default_str();
  build_cmd->add_option("--out", build.out, "Output folder, replaced atomically")->capture_default_str();
  build_cmd->add_option("--audience", build.audience, "Who the build is for")
      ->check(CLI::IsMember({"public", "experts"}))
      ->capture_default_str();
  build_cmd->add_option("-j,--jobs", build.threads, "Threads (default: one per core)");
  build_cmd->add_flag("!--no-search", build.search, "Do not index the site with Pagefind");
  build_cmd->add_option("--previous-ics", build.previous_ics,
                        "The calendrier.ics subscribers have: refuse silent changes, say where moved sessions were")
      ->check(CLI::ExistingFile);
  build_cmd->add_option("--pagefind", build.pagefind, "Pagefind executable (default: $CARTABLE_PAGEFIND, PATH, scripts/node_modules)");
  build_cmd->add_flag("--strict-templates", build.strict_templates, "Theme authors: a template name no page sets is an error");
  build_cmd->add_flag("!--no-cache", build.cache, "Full build: reuse nothing from the previous one (compare every output file)");

  BuildOptions check;
  check.write = false;
  CLI::App* check_cmd = app.add_subcommand("check", "Validate the sources without writing anything");
  check_cmd->add_option("--source", check.source, "Site folder (contains site.yaml)")->capture_default_str();
  std::string format = "text";
  check_cmd->add_option("--format", format, "Output: text (stderr) or json (stdout, for editors)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  check_cmd->add_option("--audience", check.audience, "Validate for this audience")
      ->check(CLI::IsMember({"public", "experts"}))
      ->capture_default_str();
  check_cmd->add_option("--previous-ics", check.previous_ics,
                        "The calendrier.ics subscribers have: report sessions changed without a history entry")
      ->check(CLI::ExistingFile);

  CLI::App* new_cmd = app.add_subcommand("new", "Start a portfolio or an entry");
  new_cmd->require_subcommand(1);
  NewPortfolio new_portfolio_options;
  CLI::App* new_portfolio_cmd = new_cmd->add_subcommand("portfolio", "Create portfolios/<slug>/portfolio.yaml");
  new_portfolio_cmd->add_option("name", new_portfolio_options.name, "The participant's name")->required();
  new_portfolio_cmd->add_option("--school", new_portfolio_options.school, "Their school");
  new_portfolio_cmd->add_option("--visibility", new_portfolio_options.visibility, "public, experts or private")
      ->capture_default_str();
  new_portfolio_cmd->add_option("--source", new_portfolio_options.source, "Site folder")->capture_default_str();
  new_portfolio_cmd->add_option("--catalogue", new_portfolio_options.catalogue,
                                "Set up a portfolio-only repository here, from this saved /api/catalogue.json");
  new_portfolio_cmd->add_option("--theme", new_portfolio_options.theme, "Theme folder to copy (with --catalogue)");
  NewEntry new_entry_options;
  CLI::App* new_entry_cmd = new_cmd->add_subcommand("entry", "Create an entry answering a module's task");
  new_entry_cmd->add_option("--module", new_entry_options.module, "Module id, e.g. m4")->required();
  new_entry_cmd->add_option("--task", new_entry_options.task, "Task id of the module, e.g. formation")->required();
  new_entry_cmd->add_option("--portfolio", new_entry_options.portfolio, "Portfolio slug (default: the current folder's)");
  new_entry_cmd->add_option("--title", new_entry_options.title, "Title (default: the task's)");
  new_entry_cmd->add_option("--source", new_entry_options.source, "Site folder")->capture_default_str();

  ServeOptions serve_options;
  CLI::App* serve_cmd = app.add_subcommand("serve", "Preview the site locally, rebuilding and reloading on every save");
  serve_cmd->add_option("--source", serve_options.source, "Site folder")->capture_default_str();
  serve_cmd->add_option("--port", serve_options.port, "Port on 127.0.0.1 (0: any free port)")->capture_default_str();
  serve_cmd->add_option("--out", serve_options.out, "Where to write the preview (default: a temporary folder)");
  serve_cmd->add_option("--audience", serve_options.audience, "experts: preview the jury's site")
      ->check(CLI::IsMember({"experts"}));

  AssessOptions assess_options;
  CLI::App* assess_cmd = app.add_subcommand("assess", "Record a trainer's decision on an entry (content/assessments/)");
  assess_cmd->add_option("entry", assess_options.entry, "The entry: portfolios/<participant>/<entry>.md")->required();
  assess_cmd->add_option("--status", assess_options.status, "acquired, not-acquired or to-redo")
      ->required()
      ->check(CLI::IsMember({"acquired", "not-acquired", "to-redo"}));
  assess_cmd->add_option("--by", assess_options.by, "The trainer's person id (content/people.yaml)")->required();
  assess_cmd->add_option("--feedback-file", assess_options.feedback_file, "Feedback in Markdown")->check(CLI::ExistingFile);
  assess_cmd->add_option("--date", assess_options.date, "Date of the decision (default: today)");
  assess_cmd->add_option("--coauthors", assess_options.coauthors, "Coauthors this decision also counts for")->delimiter(',');
  assess_cmd->add_option("--source", assess_options.source, "Site folder")->capture_default_str();

  struct {
    std::string source = ".";
    std::string published;
    std::string format;
    std::string repo = "cas";
    std::string user;
  } access;
  CLI::App* access_cmd = app.add_subcommand(
      "access", "Who may write what: CODEOWNERS or gitolite rules, or check a push's paths (read on stdin)");
  access_cmd->add_option("--source", access.source, "Site folder (the pushed tree)")->capture_default_str();
  access_cmd->add_option("--format", access.format, "Print the rules for a forge")
      ->check(CLI::IsMember({"codeowners", "gitolite"}));
  access_cmd->add_option("--repo", access.repo, "Repository name in the gitolite rules")->capture_default_str();
  auto* check_user = access_cmd->add_option("--check", access.user,
                                            "Check the paths on stdin for this user; print one line per refused path");
  access_cmd->add_option("--published", access.published,
                         "Folder with the published tree's site.yaml and portfolio.yaml files (default: --source)");
  check_user->excludes(access_cmd->get_option("--format"));

  CLI11_PARSE(app, argc, argv);

  std::string source = *build_cmd ? build.source
                       : *check_cmd ? check.source
                       : *serve_cmd ? serve_options.source
                       : *new_portfolio_cmd ? new_portfolio_options.source
                       : *assess_cmd        ? assess_options.source
                       : *access_cmd        ? access.source
                                            : new_entry_options.source;
  set_language(choose_language(lang, site_language(source)));

  if (*access_cmd) {
    if (access.format.empty() && access.user.empty()) {
      std::cerr << "cartable access: give --format codeowners|gitolite or --check USER\n";
      return 2;
    }
    Diagnostics diags;
    AccessRules pushed = load_access_rules(access.source, diags);
    AccessRules published = access.published.empty() ? pushed : load_access_rules(access.published, diags);
    if (diags.error_count() > 0) return report(diags, false);
    print_diagnostics(diags, std::cerr);
    if (access.format == "codeowners") std::cout << codeowners(pushed);
    if (access.format == "gitolite") std::cout << gitolite_conf(pushed, access.repo);
    if (!access.user.empty()) return check_paths(published, pushed, access.user, std::cin, std::cout) ? 1 : 0;
    return 0;
  }

  if (*serve_cmd) return serve(serve_options);

  if (*assess_cmd) {
    Diagnostics diags;
    std::string path = assess(assess_options, diags);
    if (path.empty()) print_diagnostics(diags, std::cerr);  // the site's warnings are not the trainer's business
    if (path.empty()) return 1;
    std::cout << path << '\n';
    return 0;
  }

  if (*new_portfolio_cmd || *new_entry_cmd) {
    Diagnostics diags;
    std::string path = *new_portfolio_cmd ? new_portfolio(new_portfolio_options, diags) : new_entry(new_entry_options, diags);
    print_diagnostics(diags, std::cerr);
    if (path.empty()) return 1;
    std::cout << path << '\n';
    return 0;
  }

  if (*build_cmd) {
    interrupt::handle_signals();  // before any thread starts
    Diagnostics diags;
    auto start = std::chrono::steady_clock::now();
    BuildResult r = build_site(build, diags);
    int code = report(diags, r.ok);
    if (r.ok && r.up_to_date) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      std::cerr << "cartable: nothing changed since the last build; " << build.out << " is up to date (" << ms << " ms)\n";
    } else if (r.ok) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      std::cerr << "cartable: "
                << translate(tr("{1} pages, {2} files in {3} ({4} ms)", r.stats.pages, r.stats.files, build.out, ms))
                << "\n";
    }
    return code;
  }
  if (*check_cmd) {
    Diagnostics diags;
    check.search = false;
    BuildResult r = build_site(check, diags);
    if (format == "json") {
      std::cout << diagnostics_json(diags);
      return r.ok ? 0 : 1;
    }
    int code = report(diags, r.ok);
    if (r.ok) std::cerr << "cartable: " << translate(tr("no errors")) << "\n";
    return code;
  }
  return 0;
}
