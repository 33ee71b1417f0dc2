#include "scaffold/scaffold.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "base/text.h"
#include "load/load.h"
#include "render/theme.h"

namespace fs = std::filesystem;

namespace cartable {

namespace {

Theme site_theme(const Site& site, Diagnostics& diags) {
  return load_site_theme(site, diags);
}

std::string today() {
  std::time_t now = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) now = static_cast<std::time_t>(std::atoll(epoch));
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::localtime(&now));
  return buf;
}

// YAML double-quoted scalar: safe for any title.
std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool write_new(const fs::path& path, const std::string& text, Diagnostics& diags) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    diags.error({path.string(), 0, 0}, tr("already exists: nothing was written"), tr("choose another name"));
    return false;
  }
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    diags.error({path.string(), 0, 0}, tr("cannot write this file"));
    return false;
  }
  return true;
}

// The portfolio a new entry goes to: the named one, the one the working
// directory is in, or the only one there is.
const Portfolio* pick_portfolio(const Site& site, const std::string& wanted, Diagnostics& diags) {
  if (!wanted.empty()) {
    if (const Portfolio* p = site.find_portfolio(wanted)) return p;
    diags.error({"--portfolio", 0, 0}, tr("no portfolio '{1}'", wanted), did_you_mean(wanted, site.portfolio_slugs()));
    return nullptr;
  }
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  for (const Portfolio& p : site.portfolios) {
    fs::path dir = fs::canonical(p.dir, ec);
    if (!ec && std::mismatch(dir.begin(), dir.end(), cwd.begin(), cwd.end()).first == dir.end()) return &p;
  }
  if (site.portfolios.size() == 1) return &site.portfolios[0];
  std::string all;
  for (const auto& s : site.portfolio_slugs()) all += (all.empty() ? "" : ", ") + s;
  diags.error({"--portfolio", 0, 0}, tr("which portfolio? there are several"),
              tr("add --portfolio SLUG ({1}), or run the command inside the portfolio's folder", all));
  return nullptr;
}

}  // namespace

// A portfolio-only repository: the programme comes from a saved catalogue.
bool setup_standalone(const NewPortfolio& options, Diagnostics& diags) {
  fs::path root(options.source);
  std::error_code ec;
  if (fs::exists(root / "site.yaml", ec)) {
    diags.error({(root / "site.yaml").string(), 0, 0}, tr("already a site here"), tr("drop --catalogue to add a portfolio to it"));
    return false;
  }
  if (!fs::is_regular_file(options.catalogue, ec)) {
    diags.error({options.catalogue, 0, 0}, tr("catalogue not found"), tr("save /api/catalogue.json from the programme's site"));
    return false;
  }
  fs::path theme = options.theme.empty() ? fs::canonical("/proc/self/exe", ec).parent_path().parent_path() / "themes/default"
                                         : fs::path(options.theme);
  if (!fs::is_directory(theme / "templates", ec)) {
    diags.error({theme.string(), 0, 0}, tr("no theme here"), tr("pass --theme path/to/themes/default"));
    return false;
  }
  fs::create_directories(root / "themes", ec);
  fs::copy(theme, root / "themes/default", fs::copy_options::recursive, ec);
  fs::copy_file(options.catalogue, root / "catalogue.json", ec);
  std::ofstream(root / "site.yaml")
      << "# A portfolio-only repository: the programme (modules, tasks, frameworks)\n"
         "# comes from catalogue.json, saved from the programme's /api/catalogue.json.\n"
         "catalogue: catalogue.json\ntheme: default\n";
  return !ec;
}

std::string new_portfolio(const NewPortfolio& options, Diagnostics& diags) {
  if (!options.catalogue.empty() && !setup_standalone(options, diags)) return {};
  Site site = load_site(options.source, diags);
  if (diags.has_errors()) return {};
  std::string slug = slugify(options.name);
  if (options.name.empty()) {
    diags.error({"name", 0, 0}, tr("a portfolio needs its owner's name"), tr("write it after the command: cartable new portfolio \"First Last\""));
    return {};
  }
  Visibility v;
  if (!parse_visibility(options.visibility, v)) {
    diags.error({"--visibility", 0, 0}, tr("unknown visibility '{1}'", options.visibility), tr("write public, experts or private"));
    return {};
  }
  Theme theme = site_theme(site, diags);
  TemplateSet tmpl(theme);
  Data d;
  d.set("t", theme.strings);
  d.set("name", yaml_quote(options.name));
  d.set("school", yaml_quote(options.school));
  d.set("cohort", yaml_quote(site.programme.cohort));
  d.set("visibility", options.visibility);
  fs::path path = fs::path(options.source) / "portfolios" / slug / "portfolio.yaml";
  if (!write_new(path, tmpl.render("scaffold-portfolio", d), diags)) return {};
  return path.lexically_normal().string();
}

std::string new_entry(const NewEntry& options, Diagnostics& diags) {
  Site site = load_site(options.source, diags);
  if (diags.has_errors()) return {};
  const Module* m = site.find_module(options.module);
  if (!m) {
    diags.error({"--module", 0, 0}, tr("unknown module '{1}'", options.module), did_you_mean(options.module, site.module_ids()));
    return {};
  }
  const Task* task = nullptr;
  std::vector<std::string> ids;
  for (const Task& t : m->tasks) {
    ids.push_back(t.id);
    if (t.id == options.task) task = &t;
  }
  if (!task) {
    std::string all;
    for (const auto& id : ids) all += (all.empty() ? "" : ", ") + id;
    Text hint = did_you_mean(options.task, ids);
    diags.error({"--task", 0, 0}, tr("module {1} has no task '{2}'", m->id, options.task),
                hint.empty() ? tr("its tasks are: {1}", all) : hint);
    return {};
  }
  const Portfolio* p = pick_portfolio(site, options.portfolio, diags);
  if (!p) return {};

  Theme theme = site_theme(site, diags);
  TemplateSet tmpl(theme);
  std::string title = options.title.empty() ? task->title : options.title;
  Data d;
  d.set("t", theme.strings);
  d.set("title", yaml_quote(title));
  d.set("date", options.date.empty() ? today() : options.date);
  d.set("module", m->id);
  d.set("task", task->id);
  d.set("kind", task->kind);
  List competencies;
  for (const Ref& r : m->competencies) {
    Data c;
    c.set("ref", r.id);
    if (const CompetencyLocation* loc = site.find_competency(r.id)) c.set("title", competency_title(site, *loc));
    competencies.push_back(c);
  }
  d.set("competencies", competencies);
  // The body follows the phases and items of the INSPÉ grid, when the site
  // has it: the participant writes under each.
  if (const Framework* grid = site.find_framework("inspe-grille")) {
    List phases;
    for (const Domain& phase : grid->domains) {
      Data ph;
      ph.set("title", phase.title);
      List items;
      for (const Competency& item : phase.competencies) {
        Data it;
        it.set("title", item.title);
        items.push_back(it);
      }
      ph.set("items", items);
      phases.push_back(ph);
    }
    d.set("phases", phases);
  }
  std::string base = slugify(title);
  fs::path path = fs::path(p->dir) / (base + ".md");
  for (int n = 2; fs::exists(path); ++n) path = fs::path(p->dir) / (base + "-" + std::to_string(n) + ".md");
  if (!write_new(path, tmpl.render("scaffold-entry", d), diags)) return {};
  return path.lexically_normal().string();
}

}  // namespace cartable
