// cartable: the command line. Parses arguments and hands over to the
// pipeline (build/build.h); nothing else lives here.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <yaml-cpp/yaml.h>

#include "assess/assess.h"
#include "access/access.h"
#include "base/text.h"
#include "build/build.h"
#include "output/interrupt.h"
#include "output/output.h"
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

// A line of the interface in the chosen language (help texts, labels).
std::string say(const Text& text) { return translate(text); }

// The value of `--name VALUE` or `--name=VALUE` in argv, or `fallback`. The
// language must be known before the parser is built: its help is translated.
std::string early_option(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == name && i + 1 < argc) return argv[i + 1];
    if (starts_with(arg, name + "=")) return arg.substr(name.size() + 1);
  }
  return fallback;
}

// CLI11 writes "Usage:" and "Excludes:" as label + ':'. French puts a
// space before the colon: the catalogue's labels carry their own colon
// ("Utilisation :"), and this formatter drops the one CLI11 adds.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App* app, std::string name) const override {
    return drop_colon_after(CLI::Formatter::make_usage(app, std::move(name)), "Usage");
  }
  std::string make_option_opts(const CLI::Option* opt) const override {
    return drop_colon_after(drop_colon_after(CLI::Formatter::make_option_opts(opt), "Needs"), "Excludes");
  }

 private:
  std::string drop_colon_after(std::string text, const std::string& key) const {
    const std::string with_colon = get_label(key) + ":";
    size_t at = text.find(with_colon);
    if (at != std::string::npos) text.erase(at + with_colon.size() - 1, 1);
    return text;
  }
};

// CLI11's words in its help screens, in the user's language.
void translate_help(CLI::App& app) {
  app.formatter(std::make_shared<HelpFormatter>());  // before any subcommand: they take their parent's
  auto formatter = app.get_formatter();
  formatter->label("Usage", say(tr("Usage:")));
  formatter->label("OPTIONS", say(tr("OPTIONS")));
  formatter->label("SUBCOMMAND", say(tr("COMMAND")));
  formatter->label("SUBCOMMANDS", say(tr("COMMANDS")));
  formatter->label("Positionals", say(tr("Arguments")));
  formatter->label("REQUIRED", say(tr("REQUIRED")));
  formatter->label("TEXT", say(tr("TEXT")));
  formatter->label("INT", say(tr("NUMBER")));
  formatter->label("UINT", say(tr("NUMBER")));
  formatter->label("FILE", say(tr("FILE")));
  formatter->label("Excludes", say(tr("Excludes:")));
  formatter->label("Needs", say(tr("Needs:")));
  app.option_defaults()->group(say(tr("Options")));
  app.set_help_flag("-h,--help", say(tr("Print this help and exit")));
}

std::string joined(const std::vector<std::string>& words) {
  std::string all;
  for (const auto& w : words) all += (all.empty() ? "" : ", ") + w;
  return all;
}

// Checks of option values whose refusals are in the user's language
// (CLI11's own say "File does not exist", "not in").
CLI::Validator one_of(const std::vector<std::string>& values) {
  std::string list = "{" + joined(values) + "}";
  return CLI::Validator(
      [values](std::string& value) {
        if (std::find(values.begin(), values.end(), value) != values.end()) return std::string();
        std::string hint = did_you_mean(value, values).empty() ? std::string() : " (" + say(did_you_mean(value, values)) + ")";
        return say(tr("'{1}' is not one of: {2}", value, joined(values))) + hint;
      },
      list);
}

CLI::Validator existing_file() {
  return CLI::Validator(
      [](std::string& path) {
        std::error_code ec;
        return std::filesystem::is_regular_file(path, ec) ? std::string() : say(tr("no file '{1}'", path));
      },
      say(tr("FILE")));
}

// An option with a check shows "TEXT:{public,experts}", which the labels
// (whole words) miss: its own type name is translated here instead.
void translate_checked_type_names(CLI::App* cmd) {
  for (CLI::Option* opt : cmd->get_options()) {
    std::string full = opt->get_type_name();
    size_t colon = full.find(':');
    if (colon == std::string::npos) continue;
    opt->type_name(cmd->get_formatter()->get_label(full.substr(0, colon)));
  }
  for (CLI::App* sub : cmd->get_subcommands({})) translate_checked_type_names(sub);
}

// The command the user was typing when parsing stopped: `cartable new
// portfolio` for `cartable new portfolio --schol X`.
const CLI::App* deepest_command(const CLI::App& app) {
  const CLI::App* at = &app;
  while (!at->get_subcommands().empty()) at = at->get_subcommands().back();
  return at;
}

std::string command_path(const CLI::App* cmd) {
  std::string path;
  for (; cmd; cmd = cmd->get_parent()) path = cmd->get_name() + (path.empty() ? "" : " " + path);
  return path;
}

// Every word the parser did not take, in `cmd` and the commands it ran.
void left_over(const CLI::App* cmd, std::vector<std::string>& out) {
  for (const std::string& arg : cmd->remaining(false)) out.push_back(arg);
  for (const CLI::App* sub : cmd->get_subcommands()) left_over(sub, out);
}

// The long options `cmd` (and the commands above it) understand.
std::vector<std::string> known_options(const CLI::App* cmd) {
  std::vector<std::string> names;
  for (; cmd; cmd = cmd->get_parent()) {
    for (const CLI::Option* opt : cmd->get_options()) {
      for (const std::string& name : opt->get_lnames()) names.push_back("--" + name);
    }
  }
  return names;
}

std::vector<std::string> command_names(const CLI::App* cmd) {
  std::vector<std::string> names;
  for (const CLI::App* sub : cmd->get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

// A word the parser did not expect: a misspelt command or option gets the
// closest one it knows.
void explain_extra(const CLI::App* cmd, const std::string& arg, Diagnostics& diags) {
  std::string where = command_path(cmd);
  if (starts_with(arg, "-")) {
    std::string name = arg.substr(0, arg.find('='));
    Text hint = did_you_mean(name, known_options(cmd));
    diags.error({"", 0, 0}, tr("unknown option '{1}' for '{2}'", name, where),
                hint.empty() ? tr("see the options with: {1} --help", where) : hint);
    return;
  }
  std::vector<std::string> commands = command_names(cmd);
  if (commands.empty()) {
    diags.error({"", 0, 0}, tr("unexpected argument '{1}' for '{2}'", arg, where),
                tr("put it in quotes if it contains spaces; see: {1} --help", where));
    return;
  }
  Text hint = did_you_mean(arg, commands);
  diags.error({"", 0, 0}, tr("unknown command '{1}'", arg),
              hint.empty() ? tr("the commands are: {1}", joined(commands)) : hint);
}

// CLI11's errors said in the user's language, with what to type instead.
void explain_parse_error(const CLI::App& app, const CLI::ParseError& e, Diagnostics& diags) {
  const CLI::App* cmd = deepest_command(app);
  std::string where = command_path(cmd);
  std::string what = e.what();
  bool extras = dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr;
  bool required = dynamic_cast<const CLI::RequiredError*>(&e) != nullptr;
  // A misspelt word explains a "required" error too (`cartable buld`: no
  // command was recognised), and is the thing to fix first.
  std::vector<std::string> extra;
  left_over(&app, extra);
  if ((extras || required) && !extra.empty()) return explain_extra(cmd, extra.front(), diags);
  if (required) {
    if (starts_with(what, "A subcommand")) {
      diags.error({"", 0, 0}, tr("'{1}' needs a command: {2}", where, joined(command_names(cmd))),
                  cmd == &app ? tr("for example: cartable build; the list with: {1} --help", where)
                              : tr("see: {1} --help", where));
      return;
    }
    const std::string suffix = " is required";
    if (what.size() > suffix.size() && what.compare(what.size() - suffix.size(), suffix.size(), suffix) == 0) {
      diags.error({"", 0, 0}, tr("'{1}' needs {2}", where, what.substr(0, what.size() - suffix.size())),
                  tr("see: {1} --help", where));
      return;
    }
  }
  // CLI11's English for an option without its value or a word that is not
  // a number: "--out: 1 required TEXT missing", "Could not convert: --port = abc".
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) && what.find(" missing") != std::string::npos) {
    std::string name = what.substr(0, what.find(':'));
    diags.error({"", 0, 0}, tr("{1} needs a value", name), tr("write the value after {1}; see: {2} --help", name, where));
    return;
  }
  const std::string not_converted = "Could not convert: ";
  if (dynamic_cast<const CLI::ConversionError*>(&e) && starts_with(what, not_converted) &&
      what.find(" = ") != std::string::npos) {
    std::string name = what.substr(not_converted.size(), what.find(" = ") - not_converted.size());
    std::string value = what.substr(what.find(" = ") + 3);
    diags.error({"", 0, 0}, tr("{1}: '{2}' is not a whole number", name, value),
                tr("write a whole number after {1}, for example {1} 4", name));
    return;
  }
  if (dynamic_cast<const CLI::ValidationError*>(&e) || dynamic_cast<const CLI::ConversionError*>(&e)) {
    diags.error({"", 0, 0}, tr("invalid value: {1}", what), tr("see the accepted values with: {1} --help", where));
    return;
  }
  diags.error({"", 0, 0}, tr("cannot understand the command line: {1}", what), tr("see: {1} --help", where));
}

}  // namespace

int main(int argc, char** argv) {
  set_language(choose_language(early_option(argc, argv, "--lang", ""),
                               site_language(early_option(argc, argv, "--source", "."))));
  CLI::App app{say(tr("cartable: publishes a training programme and its participants' portfolios")), "cartable"};
  translate_help(app);
  app.set_version_flag("--version", std::string("cartable ") + CARTABLE_VERSION, say(tr("Print the version and exit")));
  app.require_subcommand(1);
  std::string lang;
  app.add_option("--lang", lang, say(tr("Language of the messages: fr or en (default: the site's, English if $LANG is)")));
  app.fallthrough();

  BuildOptions build;
  CLI::App* build_cmd = app.add_subcommand("build", say(tr("Render the site into the output folder")));
  build_cmd->add_option("--source", build.source, say(tr("Site folder (contains site.yaml)")))->capture_default_str();
  build_cmd->add_option("--out", build.out, say(tr("Output folder, replaced atomically")))->capture_default_str();
  build_cmd->add_option("--audience", build.audience, say(tr("Who the build is for")))
      ->check(one_of({"public", "experts"}))
      ->capture_default_str();
  build_cmd->add_option("-j,--jobs", build.threads, say(tr("Threads (default: one per core)")));
  // Callbacks, not `!--no-search` flags: CLI11 shows those as "--no-search{false}".
  build_cmd->add_flag_callback("--no-search", [&build] { build.search = false; }, say(tr("Do not index the site with Pagefind")));
  build_cmd->add_option("--previous-ics", build.previous_ics,
                        say(tr("The calendrier.ics subscribers have: refuse silent changes, say where moved sessions were")))
      ->check(existing_file());
  build_cmd->add_option("--pagefind", build.pagefind, say(tr("Pagefind executable (default: $CARTABLE_PAGEFIND, PATH, scripts/node_modules)")));
  build_cmd->add_flag_callback("--no-cache", [&build] { build.cache = false; },
                               say(tr("Full build: reuse nothing from the previous one (check every output file)")));
  build_cmd->add_flag("--stage", build.stage, say(tr("Leave the new site ready beside the live one, for 'cartable publish'")));

  BuildOptions check;
  check.write = false;
  CLI::App* check_cmd = app.add_subcommand("check", say(tr("Validate the sources without writing anything")));
  check_cmd->add_option("--source", check.source, say(tr("Site folder (contains site.yaml)")))->capture_default_str();
  std::string format = "text";
  check_cmd->add_option("--format", format, say(tr("Output: text (stderr) or json (stdout, for editors)")))
      ->check(one_of({"text", "json"}))
      ->capture_default_str();
  check_cmd->add_option("--audience", check.audience, say(tr("Validate for this audience")))
      ->check(one_of({"public", "experts"}))
      ->capture_default_str();
  check_cmd->add_option("--previous-ics", check.previous_ics,
                        say(tr("The calendrier.ics subscribers have: report sessions changed without a history entry")))
      ->check(existing_file());
  check_cmd->add_option("--cache", check.check_cache,
                        say(tr("Keep what this check read in this folder: the next one reads only what changed")));

  CLI::App* new_cmd = app.add_subcommand("new", say(tr("Start a portfolio or an entry")));
  new_cmd->require_subcommand(1);
  NewPortfolio new_portfolio_options;
  CLI::App* new_portfolio_cmd = new_cmd->add_subcommand("portfolio", say(tr("Create portfolios/<slug>/portfolio.yaml")));
  new_portfolio_cmd->add_option(say(tr("NAME")), new_portfolio_options.name, say(tr("The participant's name")))->required();
  new_portfolio_cmd->add_option("--school", new_portfolio_options.school, say(tr("Their school")));
  new_portfolio_cmd->add_option("--visibility", new_portfolio_options.visibility, say(tr("public, experts or private")))
      ->capture_default_str();
  new_portfolio_cmd->add_option("--source", new_portfolio_options.source, say(tr("Site folder")))->capture_default_str();
  new_portfolio_cmd->add_option("--catalogue", new_portfolio_options.catalogue,
                                say(tr("Set up a portfolio-only repository here, from this saved /api/catalogue.json")));
  new_portfolio_cmd->add_option("--theme", new_portfolio_options.theme, say(tr("Theme folder to copy (with --catalogue)")));
  new_portfolio_cmd->add_option("--owners", new_portfolio_options.owners,
                                say(tr("Logins that may publish this portfolio, separated by commas (portfolio.yaml owners:)")))
      ->delimiter(',');
  NewEntry new_entry_options;
  CLI::App* new_entry_cmd = new_cmd->add_subcommand("entry", say(tr("Create an entry answering a module's task")));
  new_entry_cmd->add_option("--module", new_entry_options.module, say(tr("Module id, e.g. m4")))->required();
  new_entry_cmd->add_option("--task", new_entry_options.task, say(tr("Task id of the module, e.g. formation")))->required();
  new_entry_cmd->add_option("--portfolio", new_entry_options.portfolio, say(tr("Portfolio slug (default: the current folder's)")));
  new_entry_cmd->add_option("--title", new_entry_options.title, say(tr("Title (default: the task's)")));
  new_entry_cmd->add_option("--source", new_entry_options.source, say(tr("Site folder")))->capture_default_str();

  ServeOptions serve_options;
  CLI::App* serve_cmd = app.add_subcommand("serve", say(tr("Preview the site locally, rebuilding and reloading on every save")));
  serve_cmd->add_option("--source", serve_options.source, say(tr("Site folder")))->capture_default_str();
  serve_cmd->add_option("--port", serve_options.port, say(tr("Port on 127.0.0.1 (0: any free port)")))->capture_default_str();
  serve_cmd->add_option("--out", serve_options.out, say(tr("Where to write the preview (default: a temporary folder)")));
  serve_cmd->add_option("--audience", serve_options.audience, say(tr("experts: preview the jury's site")))
      ->check(one_of({"experts"}));

  AssessOptions assess_options;
  CLI::App* assess_cmd = app.add_subcommand("assess", say(tr("Record a trainer's decision on an entry (content/assessments/)")));
  assess_cmd->add_option(say(tr("ENTRY")), assess_options.entry, say(tr("The entry: portfolios/<participant>/<entry>.md")))->required();
  assess_cmd->add_option("--status", assess_options.status, say(tr("acquired, not-acquired or to-redo")))
      ->required()
      ->check(one_of({"acquired", "not-acquired", "to-redo"}));
  assess_cmd->add_option("--by", assess_options.by, say(tr("The trainer's person id (content/people.yaml)")))->required();
  assess_cmd->add_option("--feedback-file", assess_options.feedback_file, say(tr("Feedback in Markdown")))->check(existing_file());
  assess_cmd->add_option("--date", assess_options.date, say(tr("Date of the decision (default: today)")));
  assess_cmd->add_option("--coauthors", assess_options.coauthors, say(tr("Coauthors this decision also counts for")))->delimiter(',');
  assess_cmd->add_option("--source", assess_options.source, say(tr("Site folder")))->capture_default_str();

  struct {
    std::string source = ".";
    std::string published;
    std::string format;
    std::string repo = "cas";
    std::string user;
  } access;
  CLI::App* access_cmd = app.add_subcommand(
      "access", say(tr("Who may write what: CODEOWNERS or gitolite rules, or check a push's paths (read on stdin)")));
  access_cmd->add_option("--source", access.source, say(tr("Site folder (the pushed tree)")))->capture_default_str();
  access_cmd->add_option("--format", access.format, say(tr("Print the rules for a forge")))
      ->check(one_of({"codeowners", "gitolite"}));
  access_cmd->add_option("--repo", access.repo, say(tr("Repository name in the gitolite rules")))->capture_default_str();
  auto* check_user = access_cmd->add_option("--check", access.user,
                                            say(tr("Check the paths on stdin for this user; print one line per refused path")));
  access_cmd->add_option("--published", access.published,
                         say(tr("Folder with the published tree's site.yaml and portfolio.yaml files (default: --source)")));
  check_user->excludes(access_cmd->get_option("--format"));

  std::vector<std::string> publish_dirs;
  CLI::App* publish_cmd = app.add_subcommand("publish", say(tr("Put in place, all together or none, the sites that 'build --stage' left ready")));
  publish_cmd->add_option("out", publish_dirs, say(tr("Output folders")))->required();

  translate_checked_type_names(&app);
  for (CLI::App* cmd : app.get_subcommands({})) cmd->group(say(tr("Commands")));
  for (CLI::App* cmd : new_cmd->get_subcommands({})) cmd->group(say(tr("Commands")));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    Diagnostics diags;
    explain_parse_error(app, e, diags);
    print_diagnostics(diags, std::cerr);
    return 1;
  }

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
      Diagnostics diags;
      diags.error({"", 0, 0}, tr("'cartable access' needs --format or --check"),
                  tr("write --format codeowners, --format gitolite or --check USER"));
      print_diagnostics(diags, std::cerr);
      return 1;
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

  if (*publish_cmd) {
    interrupt::handle_signals();
    Diagnostics diags;
    return report(diags, publish_staged(publish_dirs, diags));
  }

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
    build.exit_after = true;
    BuildResult r = build_site(build, diags);
    int code = report(diags, r.ok);
    if (r.ok && r.up_to_date) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      std::cerr << "cartable: " << translate(tr("nothing changed since the last build; {1} is up to date ({2} ms)", build.out, ms))
                << "\n";
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
    check.exit_after = true;
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
