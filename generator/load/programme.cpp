// Loading the site and its programme: site.yaml, the free pages, the
// programme page, modules with their tasks, and the saved catalogue of a
// portfolio-only repository.
#include "load/loader.h"

#include <nlohmann/json.hpp>

namespace cartable::loading {

// A portfolio-only repository builds against the programme as the HEP
// publishes it (/api/catalogue.json, render/catalogue.cpp): modules, tasks,
// frameworks, crosswalks, sessions, places, people.
void Loader::load_catalogue(const std::string& file, const SourcePos& pos) {
  std::string text;
  std::vector<std::string> parts;
  if (!split_relative_path(file, &parts)) {
    report_file_error({FileStatus::BadPath, file}, file, pos, diags);
    return;
  }
  if (!read_source(file, text)) return;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || j.value("format", "") != "cartable-catalogue") {
    diags.error(pos, tr("'{1}' is not a cartable catalogue", file), tr("save it from the programme's site: /api/catalogue.json"));
    return;
  }
  SourcePos at{shown(file), 1, 1};
  auto str = [](const nlohmann::json& o, const char* k) { return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string(); };
  auto num = [](const nlohmann::json& o, const char* k) { return o.contains(k) && o[k].is_number() ? o[k].get<double>() : 0.0; };
  auto strings = [](const nlohmann::json& o, const char* k) {
    std::vector<std::string> out;
    if (o.contains(k) && o[k].is_array()) {
      for (const auto& v : o[k]) if (v.is_string()) out.push_back(v.get<std::string>());
    }
    return out;
  };
  SiteConfig& c = site.config;
  const auto& js = j["site"];
  if (c.title.empty()) c.title = str(js, "title");
  if (c.base_url.empty()) c.base_url = str(js, "base_url");
  if (js.contains("language")) c.language = str(js, "language");
  if (js.contains("timezone")) c.timezone = str(js, "timezone");
  if (js.contains("institution")) {
    const auto& ji = js["institution"];
    c.institution = {str(ji, "name"), str(ji, "unit"), strings(ji, "address"), str(ji, "phone"), str(ji, "email"), str(ji, "url")};
  }
  const auto& jp = j["programme"];
  site.programme.title = str(jp, "title");
  site.programme.kind = str(jp, "kind");
  site.programme.short_title = str(jp, "short_title");
  site.programme.cohort = str(jp, "cohort");
  site.pages.push_back({"programme", str(jp, "title"), str(jp, "subtitle"), str(jp, "description"), {"", at}, at});
  for (const auto& jm : j["modules"]) {
    Module m;
    m.pos = at;
    m.id = str(jm, "id");
    parse_module_kind(str(jm, "kind"), m.kind);  // written by cartable: known
    m.number = static_cast<int>(num(jm, "number"));
    m.title = str(jm, "title");
    m.ects_title = str(jm, "ects_title");
    m.ects = num(jm, "ects");
    m.periods = static_cast<int>(num(jm, "periods"));
    m.periods_note = str(jm, "periods_note");
    m.self_study_hours = static_cast<int>(num(jm, "self_study_hours"));
    m.days = num(jm, "days");
    m.training_moments = static_cast<int>(num(jm, "training_moments"));
    m.elective_periods = static_cast<int>(num(jm, "elective_periods"));
    m.a_la_carte_min_periods = static_cast<int>(num(jm, "a_la_carte_min_periods"));
    m.outcomes = strings(jm, "outcomes");
    for (const auto& r : strings(jm, "competencies")) m.competencies.push_back({r, at});
    for (const auto& jt : jm["tasks"]) m.tasks.push_back({str(jt, "id"), str(jt, "title"), str(jt, "kind"), str(jt, "description"), at});
    m.body = {"", at};
    site.modules.push_back(std::move(m));
  }
  for (const auto& jf : j["frameworks"]) {
    Framework fw;
    fw.pos = at;
    fw.id = str(jf, "id");
    fw.title = str(jf, "title");
    fw.short_title = str(jf, "short_title");
    fw.source = str(jf, "source");
    fw.source_url = str(jf, "source_url");
    fw.domain_label = str(jf, "domain_label");
    fw.competency_label = str(jf, "competency_label");
    fw.levels = strings(jf, "levels");
    fw.body = {str(jf, "description"), at};
    for (const auto& jd : jf["domains"]) {
      Domain d{str(jd, "code"), str(jd, "title"), str(jd, "description"), {}, at};
      for (const auto& jc : jd["competencies"]) {
        d.competencies.push_back({str(jc, "code"), str(jc, "title"), str(jc, "description"), strings(jc, "criteria"), at});
      }
      fw.domains.push_back(std::move(d));
    }
    site.frameworks.push_back(std::move(fw));
  }
  for (const auto& jl : j["places"]) {
    site.places.push_back({str(jl, "id"), str(jl, "name"), str(jl, "short_name"), str(jl, "address"),
                           jl.value("online", false), at});
  }
  for (const auto& jpp : j["people"]) site.people.push_back({str(jpp, "id"), str(jpp, "name"), strings(jpp, "roles"), false, "", at});
  if (j.contains("sessions")) {
    for (const auto& jss : j["sessions"]) {
      Session s;
      s.pos = s.start_pos = s.end_pos = s.status_pos = at;
      s.id = str(jss, "id");
      s.module = {str(jss, "module"), at};
      s.title = str(jss, "title");
      s.place = {str(jss, "place"), at};
      parse_session_status(str(jss, "status"), s.status);  // written by cartable: known
      if (parse_local_time(str(jss, "start"), false, s.start, at, diags) &&
          parse_local_time(str(jss, "end"), false, s.end, at, diags)) {
        site.sessions.push_back(std::move(s));
      }
    }
  }
  if (j.contains("crosswalks")) {
    for (const auto& jc : j["crosswalks"]) {
      Crosswalk cw;
      cw.id = str(jc, "id");
      cw.pos = at;
      for (const auto& [from, to] : jc["equivalences"].items()) {
        std::vector<Ref> refs;
        for (const auto& t : to) refs.push_back({t.get<std::string>(), at});
        cw.pairs.emplace_back(Ref{from, at}, std::move(refs));
      }
      site.crosswalks.push_back(std::move(cw));
    }
  }
}

bool Loader::load_config() {
  YamlSource src;
  fs::path rel = "site.yaml";
  if (!exists(rel)) {
    diags.error({shown(rel), 0, 0}, tr("no site.yaml here: this folder is not a cartable site"),
                tr("run cartable in the site's folder, or pass --source DIR"));
    return false;
  }
  auto root = read_yaml_file(rel, src);
  if (!root) return true;
  Fields f(*root, src, diags, term("site.yaml"));
  SiteConfig& c = site.config;
  c.pos = f.pos();
  c.catalogue = f.str("catalogue");
  c.title = f.str("title", c.catalogue.empty());
  c.base_url = f.str("base_url", c.catalogue.empty());
  if (!c.base_url.empty() && c.base_url.back() != '/') c.base_url += '/';
  if (!c.catalogue.empty()) {
    load_catalogue(c.catalogue, f.pos_of("catalogue"));
    if (!c.base_url.empty() && c.base_url.back() != '/') c.base_url += '/';
  }
  c.base_path = "/";
  if (auto scheme = c.base_url.find("://"); scheme != std::string::npos) {
    auto slash = c.base_url.find('/', scheme + 3);
    if (slash != std::string::npos) c.base_path = c.base_url.substr(slash);
  } else if (!c.base_url.empty()) {
    diags.error(f.pos_of("base_url"), tr("base_url must be an absolute URL"), tr("write it like https://example.org/"));
  }
  if (f.has("language")) c.language = f.str("language");
  if (f.has("timezone")) c.timezone = f.str("timezone");
  if (f.has("theme")) c.theme = f.str("theme");
  if (c.theme.empty() || c.theme.find('/') != std::string::npos || c.theme[0] == '.') {
    diags.error(f.pos_of("theme"), tr("theme '{1}' must be the name of a folder of themes/", c.theme),
                tr("write the folder's name alone, e.g. default"));
    c.theme = "default";
  }
  if (f.has("max_attachment_mb")) {
    int mb = f.integer("max_attachment_mb");
    if (mb < 1 || mb > 1024) {
      diags.error(f.pos_of("max_attachment_mb"), tr("max_attachment_mb must be between 1 and 1024"),
                  tr("write a number of megabytes, e.g. max_attachment_mb: 20"));
    } else {
      c.max_attachment_bytes = static_cast<uint64_t>(mb) * 1024 * 1024;
    }
  }
  for (auto& [name, pos] : f.str_list_pos("outputs")) {
    if (name.empty() || name.find('/') != std::string::npos || name[0] == '.' ||
        name == "content" || name == "portfolios" || name == "themes" || name == "scripts") {
      diags.error(pos, tr("'{1}' cannot be an output folder", name),
                  tr("name a new folder directly in the site's folder, e.g. experts"));
    } else {
      c.outputs.push_back(name);
    }
  }
  YAML::Node inst = f.node("institution");
  if (inst.IsDefined()) {
    Fields i(inst, src, diags, term("institution"));
    c.institution.name = i.str("name", true);
    c.institution.unit = i.str("unit");
    c.institution.address = i.str_list("address");
    c.institution.phone = i.str("phone");
    c.institution.email = i.str("email");
    c.institution.url = i.str("url");
  }
  YAML::Node experts = f.node("experts");
  if (experts.IsDefined() && !experts.IsNull()) {
    Fields e(experts, src, diags, term("experts"));
    if (e.has("htpasswd")) c.experts_htpasswd = e.str("htpasswd");
  }
  YAML::Node publishing = f.node("publishing");
  if (publishing.IsDefined() && !publishing.IsNull()) {
    Fields pf(publishing, src, diags, term("publishing"));
    c.publishing = {pf.str_list("staff"), pf.str_list("trainers"), pf.str_list("trainer_paths")};
  }
  YAML::Node cal = f.node("calendar");
  if (cal.IsDefined() && !cal.IsNull()) load_calendar_config(cal, src);
  c.public_validation = f.boolean("public_validation", false);
  load_site_names(f, src);
  return true;
}

// The programme's own ids and URL words (model.h, SiteConfig): check/
// verifies that the frameworks named exist, once they are loaded.
void Loader::load_site_names(Fields& f, const YamlSource& src) {
  SiteConfig& c = site.config;
  if (f.has("coverage_framework")) c.coverage_framework = {f.str("coverage_framework"), f.pos_of("coverage_framework")};
  if (f.has("certification_grid")) c.certification_grid = {f.str("certification_grid"), f.pos_of("certification_grid")};
  if (f.has("task_anchor")) c.task_anchor = f.str("task_anchor");
  YAML::Node urls = f.node("urls");
  if (!urls.IsDefined() || urls.IsNull()) return;
  Fields u(urls, src, diags, term("urls"));
  if (!u.ok()) return;
  std::pair<const char*, std::string*> segments[] = {
      {"calendar", &c.urls.calendar},     {"changes", &c.urls.changes}, {"sessions", &c.urls.sessions},
      {"frameworks", &c.urls.frameworks}, {"search", &c.urls.search},   {"print", &c.urls.print},
      {"ready", &c.urls.ready},           {"incomplete", &c.urls.incomplete}};
  for (auto& [key, value] : segments) {
    if (!u.has(key)) continue;
    *value = u.str(key);
    if (value->empty() || value->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      diags.error(u.pos_of(key), tr("urls.{1} '{2}' must be one folder name of a-z, 0-9 and '-'", key, *value),
                  tr("write a word of the site's language, e.g. {1}", slugify(value->empty() ? std::string(key) : *value)));
    }
  }
}

// A Markdown file with front matter: returns its fields' YAML and body.
std::optional<YAML::Node> Loader::read_markdown(const fs::path& rel, YamlSource& src, Markdown& body) {
  std::string yaml;
  if (!read_markdown_text(rel, src, body, yaml)) return std::nullopt;
  return parse_yaml(yaml, src, diags);
}

// The front matter's text, unparsed (entries try load/front_matter.h first).
bool Loader::read_markdown_text(const fs::path& rel, YamlSource& src, Markdown& body, std::string& yaml) {
  std::string text;
  SharedPath path = shown(rel);
  if (!read_source(rel, text)) return false;
  FrontMatter fm = split_front_matter(text, path, diags);
  body = {std::move(fm.body), {path, fm.body_first_line, 1}};
  src = {path, fm.yaml_first_line};
  if (!fm.present) {
    if (fm.unclosed) return false;  // split_front_matter said why
    diags.error({path, 1, 1}, tr("missing front matter"),
                tr("start the file with a line '---', the fields, then another '---'"));
    return false;
  }
  yaml = std::move(fm.yaml);
  return true;
}

void Loader::load_pages() {
  for (const auto& name : files_with_extension(fs::path("content"), ".md")) {
    YamlSource src;
    Page page;
    auto root = read_markdown(fs::path("content") / name, src, page.body);
    if (!root) continue;
    Fields f(*root, src, diags, term("page"));
    page.pos = f.pos();
    page.id = name.stem().string();
    page.title = f.str("title", true);
    page.subtitle = f.str("subtitle");
    page.description = f.str("description");
    if (page.id == "programme") load_programme(f, src);
    site.pages.push_back(std::move(page));
  }
  // The programme is the home page and comes first.
  std::stable_partition(site.pages.begin(), site.pages.end(),
                        [](const Page& p) { return p.id == "programme"; });
  if (site.pages.empty() || site.pages[0].id != "programme") {
    diags.error({shown("content/programme.md"), 0, 0}, tr("the programme page is missing"),
                tr("create content/programme.md: it is the site's home page"));
  }
}

void Loader::load_programme(Fields& page, const YamlSource& src) {
  Programme& p = site.programme;
  p.title = page.str("title");
  YAML::Node n = page.node("programme");
  if (!n.IsDefined()) return;
  Fields f(n, src, diags, term("programme"));
  p.kind = f.str("kind");
  p.short_title = f.str("short_title");
  p.cohort = f.str("cohort");
  p.start = f.str("start");
  p.semesters = f.integer("semesters");
  p.credential = f.str("credential");
  YAML::Node totals = f.node("declared_totals");
  if (totals.IsDefined()) {
    Fields t(totals, src, diags, term("declared_totals"));
    for (const char* key : {"ects", "periods", "self_study_hours"}) {
      if (auto v = t.number(key)) p.declared_totals[key] = {*v, t.pos_of(key)};
    }
  }
}

void Loader::load_modules() {
  for (const auto& name : files_with_extension(fs::path("content/modules"), ".md")) {
    YamlSource src;
    Module m;
    auto root = read_markdown(fs::path("content/modules") / name, src, m.body);
    if (!root) continue;
    Fields f(*root, src, diags, term("module"));
    if (!f.ok()) continue;
    m.pos = f.pos();
    m.id = f.has("id") ? f.str("id") : name.stem().string();
    if (m.id != name.stem().string()) {
      diags.error(f.pos_of("id"), tr("module id '{1}' differs from its file name '{2}'", m.id, name.string()),
                  tr("rename the file to {1}.md or remove the 'id' line", m.id));
    }
    std::string kind = f.has("kind") ? f.str("kind") : module_kind_name(ModuleKind::Module);
    if (!parse_module_kind(kind, m.kind)) {
      diags.error(f.pos_of("kind"), tr("unknown module kind '{1}'", kind),
                  hint_or(did_you_mean(kind, module_kind_names()), tr("write module or certifying-work")));
    }
    m.number = f.integer("number", m.kind == ModuleKind::Module);
    m.title = f.str("title", true);
    m.ects_title = f.str("ects_title");
    m.ects = f.number("ects", true).value_or(0);
    m.periods = f.integer("periods");
    m.periods_note = f.str("periods_note");
    m.self_study_hours = f.integer("self_study_hours", true);
    m.days = f.number("days").value_or(0);
    m.training_moments = f.integer("training_moments");
    m.elective_periods = f.integer("elective_periods");
    m.a_la_carte_min_periods = f.integer("a_la_carte_min_periods");
    m.a_la_carte = f.str("a_la_carte");
    m.outcomes = f.str_list("outcomes");
    for (auto& [ref, pos] : f.str_list_pos("competencies")) m.competencies.push_back({ref, pos});
    f.for_each_item(
        "tasks", term("task"),
        [&](Fields& tf) {
          Task task;
          task.pos = tf.pos();
          task.id = tf.str("id", true);
          task.title = tf.str("title", true);
          task.kind = tf.str("kind");
          task.description = tf.str("description");
          m.tasks.push_back(std::move(task));
        },
        {tr("module: 'tasks' must be a list"),
         tr("write each task on a line starting with '- id:', then its title below, indented")});
    m.field_pos = f.positions();
    site.modules.push_back(std::move(m));
  }
  // Modules in programme order; the certifying work (number 0) last.
  std::stable_sort(site.modules.begin(), site.modules.end(), [](const Module& a, const Module& b) {
    auto key = [](const Module& m) { return m.number == 0 ? 1000 : m.number; };
    return key(a) < key(b);
  });
}

}  // namespace cartable::loading
