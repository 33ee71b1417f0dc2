// cartable: the command line. Parses arguments and hands over to the
// pipeline (build.h); nothing else lives here.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "build.h"
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
    std::cerr << "cartable: " << n << (n == 1 ? " error" : " errors") << ", nothing written\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cartable: publishes a training programme and its participants' portfolios"};
  app.require_subcommand(1);

  BuildOptions build;
  CLI::App* build_cmd = app.add_subcommand("build", "Render the site into the output folder");
  build_cmd->add_option("--source", build.source, "Site folder (contains site.yaml)")->capture_default_str();
  build_cmd->add_option("--out", build.out, "Output folder, replaced atomically")->capture_default_str();
  build_cmd->add_option("--audience", build.audience, "Who the build is for")
      ->check(CLI::IsMember({"public", "experts"}))
      ->capture_default_str();
  build_cmd->add_option("-j,--jobs", build.threads, "Threads (default: one per core)");
  build_cmd->add_flag("!--no-search", build.search, "Do not index the site with Pagefind");
  build_cmd->add_option("--pagefind", build.pagefind, "Pagefind executable (default: $CARTABLE_PAGEFIND, PATH, scripts/node_modules)");

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

  CLI11_PARSE(app, argc, argv);

  if (*serve_cmd) return serve(serve_options);

  if (*new_portfolio_cmd || *new_entry_cmd) {
    Diagnostics diags;
    std::string path = *new_portfolio_cmd ? new_portfolio(new_portfolio_options, diags) : new_entry(new_entry_options, diags);
    print_diagnostics(diags, std::cerr);
    if (path.empty()) return 1;
    std::cout << path << '\n';
    return 0;
  }

  if (*build_cmd) {
    Diagnostics diags;
    auto start = std::chrono::steady_clock::now();
    BuildResult r = build_site(build, diags);
    int code = report(diags, r.ok);
    if (r.ok) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      std::cerr << "cartable: " << r.stats.pages << " pages, " << r.stats.files << " files in " << build.out << " ("
                << ms << " ms)\n";
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
    if (r.ok) std::cerr << "cartable: no errors\n";
    return code;
  }
  return 0;
}
