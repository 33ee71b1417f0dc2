#include "scaffold/scaffold.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "base/filesystem.h"
#include "base/text.h"
#include "load/load.h"
#include "render/theme.h"

namespace fs = std::filesystem;

namespace cartable {

namespace {

Theme site_theme(const Site& site, Diagnostics& diags) {
  return load_site_theme(site, diags);
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

// What setting up a portfolio-only repository added to the folder, taken
// away again unless the whole setup succeeds: a half-made site would be
// refused the next time ("already a site here").
struct Undo {
  std::vector<fs::path> created;                // removed in reverse order
  std::vector<std::pair<fs::path, std::string>> restore;  // files changed: their bytes before
  bool keep = false;
  ~Undo() {
    if (keep) return;
    std::error_code ec;
    for (auto it = created.rbegin(); it != created.rend(); ++it) fs::remove_all(*it, ec);
    for (const auto& [path, bytes] : restore) std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
};

bool write_file(const fs::path& path, const std::string& bytes, Diagnostics& diags) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) diags.error({path.string(), 0, 0}, tr("cannot write this file"));
  return static_cast<bool>(out);
}

// Copies the tree `folder` of `from` into the new folder `to`, through the
// FileSystem layer: a symbolic link in the theme is refused, never followed
// (fs::copy would have copied what it points to).
bool copy_tree(const FileSystem& from, const std::string& shown, const std::string& folder, const fs::path& to,
               Diagnostics& diags) {
  std::error_code ec;
  if (!fs::create_directory(to, ec) && ec) {
    diags.error({to.string(), 0, 0}, tr("cannot create this folder"));
    return false;
  }
  std::vector<FolderEntry> entries;
  FileResult r = from.list(folder, &entries);
  if (!r) report_file_error(r, (fs::path(shown) / r.at).string(), {(fs::path(shown) / r.at).string(), 0, 0}, diags);
  for (const FolderEntry& e : entries) {
    if (!r) break;
    std::string path = join_path(folder, e.name);
    if (e.kind == FileKind::Folder) {
      if (!copy_tree(from, shown, path, to / e.name, diags)) return false;
      continue;
    }
    std::string bytes;
    r = from.read(path, &bytes);
    if (!r) {
      std::string where = (fs::path(shown) / (r.at.empty() ? path : r.at)).string();
      report_file_error(r, where, {where, 0, 0}, diags);
    } else if (!write_file(to / e.name, bytes, diags)) {
      return false;
    }
  }
  return static_cast<bool>(r);
}

// The saved catalogue becomes catalogue.json of the repository; one already
// there (the usual case: saved into the folder first) is used as it is.
bool place_catalogue(const fs::path& catalogue, const fs::path& root, Undo& undo, Diagnostics& diags) {
  std::error_code ec;
  fs::path target = root / "catalogue.json";
  if (!fs::is_regular_file(catalogue, ec)) {
    diags.error({catalogue.string(), 0, 0}, tr("catalogue not found"), tr("save /api/catalogue.json from the programme's site"));
    return false;
  }
  if (fs::exists(target, ec)) {
    if (fs::equivalent(catalogue, target, ec)) return true;
    diags.error({target.string(), 0, 0}, tr("another catalogue.json is already here"),
                tr("remove it, or pass --catalogue catalogue.json to use it"));
    return false;
  }
  std::ifstream in(catalogue, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  undo.created.push_back(target);
  return write_file(target, bytes, diags);
}

// The build's output and state folder are made again by every build:
// never committed (GitHub Desktop would otherwise offer hundreds of files).
bool ignore_outputs(const fs::path& root, Undo& undo, Diagnostics& diags) {
  fs::path path = root / ".gitignore";
  std::error_code ec;
  std::string before;
  bool existed = fs::exists(path, ec);
  if (existed) {
    std::ifstream in(path, std::ios::binary);
    before.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::string text = before;
  for (const char* line : {"public/", ".public.cartable/"}) {
    if (("\n" + text).find("\n" + std::string(line) + "\n") != std::string::npos) continue;
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += std::string(line) + "\n";
  }
  if (text == before) return true;
  if (existed) {
    undo.restore.emplace_back(path, before);
  } else {
    undo.created.push_back(path);
  }
  return write_file(path, text, diags);
}

// A portfolio-only repository: the programme comes from a saved catalogue.
bool setup_standalone(const NewPortfolio& options, Undo& undo, Diagnostics& diags) {
  fs::path root(options.source);
  std::error_code ec;
  if (fs::exists(root / "site.yaml", ec)) {
    diags.error({(root / "site.yaml").string(), 0, 0}, tr("already a site here"), tr("drop --catalogue to add a portfolio to it"));
    return false;
  }
  std::string bundled = bundled_themes_dir();
  fs::path theme = !options.theme.empty() ? fs::path(options.theme)
                   : bundled.empty()      ? fs::path()
                                          : fs::path(bundled) / "default";
  if (theme.empty() || !fs::is_directory(theme / "templates", ec)) {
    diags.error({theme.string(), 0, 0}, tr("no theme here"), tr("pass --theme path/to/themes/default"));
    return false;
  }
  if (!fs::exists(root, ec)) {
    fs::create_directories(root, ec);
    undo.created.push_back(root);
  }
  if (!place_catalogue(options.catalogue, root, undo, diags)) return false;
  // A theme already in the folder is the participant's: kept as it is.
  if (!fs::exists(root / "themes/default", ec)) {
    if (!fs::exists(root / "themes", ec)) undo.created.push_back(root / "themes");
    fs::create_directories(root / "themes", ec);
    undo.created.push_back(root / "themes/default");
    DiskFileSystem theme_files(theme.string());
    if (!copy_tree(theme_files, theme.string(), "", root / "themes/default", diags)) return false;
  }
  if (!ignore_outputs(root, undo, diags)) return false;
  undo.created.push_back(root / "site.yaml");
  return write_file(root / "site.yaml",
                    "# A portfolio-only repository: the programme (modules, tasks, frameworks)\n"
                    "# comes from catalogue.json, saved from the programme's /api/catalogue.json.\n"
                    "catalogue: catalogue.json\ntheme: default\n",
                    diags);
}

// owners: ["login", ...] for portfolio.yaml, or "" when none was given.
std::string yaml_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "[" : ", ") + yaml_quote(item);
  return out.empty() ? out : out + "]";
}

}  // namespace

std::string new_portfolio(const NewPortfolio& options, Diagnostics& diags) {
  Undo undo;
  if (options.name.find_first_not_of(" \t") == std::string::npos) {
    diags.error({"name", 0, 0}, tr("a portfolio needs its owner's name"), tr("write it after the command: cartable new portfolio \"First Last\""));
    return {};
  }
  Visibility v;
  if (!parse_visibility(options.visibility, v)) {
    diags.error({"--visibility", 0, 0}, tr("unknown visibility '{1}'", options.visibility), tr("write public, experts or private"));
    return {};
  }
  if (!options.catalogue.empty() && !setup_standalone(options, undo, diags)) return {};
  Site site = load_site(options.source, diags);
  if (diags.has_errors()) return {};
  std::string slug = slugify(options.name);
  Theme theme = site_theme(site, diags);
  TemplateSet tmpl(theme);
  Data d;
  d.set("t", theme.strings);
  d.set("name", yaml_quote(options.name));
  d.set("school", yaml_quote(options.school));
  d.set("cohort", yaml_quote(site.programme.cohort));
  d.set("visibility", options.visibility);
  if (!options.owners.empty()) d.set("owners", yaml_list(options.owners));
  fs::path path = fs::path(options.source) / "portfolios" / slug / "portfolio.yaml";
  if (!write_new(path, tmpl.render("scaffold-portfolio", d), diags)) return {};
  undo.keep = true;
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
  // The body follows the phases and items of the certification grid
  // (site.yaml certification_grid), when the site has one: the participant
  // writes under each.
  if (const Framework* grid = configured_framework(site, site.config.certification_grid)) {
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
