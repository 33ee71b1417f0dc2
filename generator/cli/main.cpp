// cartable: the command line. Parses arguments and hands over to the
// pipeline (build.h); nothing else lives here.
#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>

#include "build.h"

using namespace cartable;

namespace {

int report(const Diagnostics& diags, bool ok) {
  print_diagnostics(diags, std::cerr);
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
  check_cmd->add_option("--previous-ics", check.previous_ics,
                        "The calendrier.ics subscribers have: report sessions changed without a history entry")
      ->check(CLI::ExistingFile);

  CLI11_PARSE(app, argc, argv);

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
    BuildResult r = build_site(check, diags);
    int code = report(diags, r.ok);
    if (r.ok) std::cerr << "cartable: no errors\n";
    return code;
  }
  return 0;
}
