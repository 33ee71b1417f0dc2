// The HTML pages: one view model per page, filled from the index and handed
// to the theme's templates. Pages are jobs run in parallel.
#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>

#include "base/text.h"
#include "check/check.h"
#include "render/markdown.h"
#include "render/render.h"

namespace cartable {

namespace {

using List = kainjow::mustache::list;

struct Crumb {
  std::string label;
  std::string url;
};

// What every page gives the layout.
struct PageMeta {
  std::string path;  // output file, e.g. "modules/m1/index.html"
  std::string url;   // site URL, e.g. "/modules/m1/"
  std::string title;
  std::string description;
  std::string section;  // which main-menu entry is current
  std::vector<Crumb> crumbs;
  std::string json_ld;
};

struct Job {
  PageMeta meta;
  std::function<std::string(TemplateSet&)> body;  // the page's main content
};

class PageBuilder {
 public:
  PageBuilder(const Index& index, const Theme& theme, Diagnostics& diags)
      : index_(index), site_(index.site()), theme_(theme), diags_(diags) {}

  std::vector<Job> jobs();
  std::string layout(TemplateSet& tmpl, const PageMeta& meta, const std::string& body) const;

 private:
  Data base_data() const;
  Data module_summary(const Module& m) const;
  Data competency_item(const std::string& ref) const;
  Data framework_data(const Framework& fw) const;
  std::string markdown(TemplateSet& tmpl, const Markdown& md, bool trusted, std::vector<Heading>* headings = nullptr) const;
  std::string directive(TemplateSet& tmpl, const std::string& name, const std::string& arg, const SourcePos& pos) const;

  std::string home(TemplateSet& tmpl) const;
  std::string page(TemplateSet& tmpl, const Page& p) const;
  std::string modules_index(TemplateSet& tmpl) const;
  std::string module_page(TemplateSet& tmpl, size_t i) const;
  std::string frameworks_index(TemplateSet& tmpl) const;
  std::string framework_page(TemplateSet& tmpl, const Framework& fw) const;
  std::string competency_page(TemplateSet& tmpl, const Framework& fw, const Domain& d, const Competency* c) const;
  Data totals_data() const;

  const Index& index_;
  const Site& site_;
  const Theme& theme_;
  Diagnostics& diags_;
};

// Sets `key` only when `value` is not empty: Mustache treats any string,
// even "", as true in a section, and templates test optional text with one.
void set_opt(Data& d, const std::string& key, const std::string& value) {
  if (!value.empty()) d.set(key, value);
}

std::string path_of(const std::string& url, const std::string& base_path) {
  std::string rel = url.substr(base_path.size());
  return rel + "index.html";
}

Data PageBuilder::base_data() const {
  Data d;
  d.set("t", theme_.strings);
  d.set("root", site_.config.base_path);
  d.set("lang", site_.config.language);
  d.set("site_title", site_.config.title);
  return d;
}

std::string PageBuilder::layout(TemplateSet& tmpl, const PageMeta& meta, const std::string& body) const {
  Data d = base_data();
  d.set("title", meta.title);
  d.set("is_home", meta.url == index_.home_url());
  set_opt(d, "description", meta.description);
  d.set("canonical", index_.absolute(meta.url));
  d.set("css", index_.asset_url("css/style.css"));
  d.set("home_url", index_.home_url());
  List nav;
  auto nav_item = [&](const std::string& key, const std::string& url) {
    Data item;
    item.set("label", ui(theme_, "nav." + key));
    item.set("url", url);
    item.set("current", meta.section == key);
    nav.push_back(item);
  };
  nav_item("programme", index_.home_url());
  nav_item("modules", index_.modules_url());
  nav_item("frameworks", index_.frameworks_url());
  d.set("nav", nav);
  if (!meta.crumbs.empty()) {
    List crumbs;
    for (const Crumb& c : meta.crumbs) {
      Data item;
      item.set("label", c.label);
      item.set("url", c.url);
      crumbs.push_back(item);
    }
    d.set("crumbs", crumbs);
    d.set("has_crumbs", true);
  }
  if (!meta.json_ld.empty()) d.set("json_ld", escape_json_for_script(meta.json_ld));
  const Institution& inst = site_.config.institution;
  Data in;
  in.set("name", inst.name);
  set_opt(in, "unit", inst.unit);
  List address;
  for (const auto& line : inst.address) address.push_back(Data(line));
  in.set("address", address);
  set_opt(in, "phone", inst.phone);
  in.set("phone_uri", [&] {
    std::string uri = "tel:";
    for (char c : inst.phone) if (c == '+' || std::isdigit(static_cast<unsigned char>(c))) uri += c;
    return uri;
  }());
  set_opt(in, "email", inst.email);
  d.set("institution", in);
  d.set("content", body);
  return tmpl.render("base", d);
}

std::string PageBuilder::markdown(TemplateSet& tmpl, const Markdown& md, bool trusted,
                                  std::vector<Heading>* headings) const {
  MarkdownOptions options;
  options.index = &index_;
  options.footnote_back_label = ui(theme_, "footnote_back");
  if (trusted) {
    options.directives = [&](const std::string& name, const std::string& arg, const SourcePos& pos) {
      return directive(tmpl, name, arg, pos);
    };
  }
  RenderedMarkdown out = render_markdown(md, options, diags_);
  if (headings) *headings = std::move(out.headings);
  return std::move(out.html);
}

Data PageBuilder::module_summary(const Module& m) const {
  Data d;
  d.set("id", m.id);
  d.set("url", index_.module_url(m.id));
  d.set("is_module", m.kind == "module");
  d.set("number", std::to_string(m.number));
  d.set("title", m.title);
  d.set("ects_title", m.ects_title.empty() ? m.title : m.ects_title);
  d.set("ects", format_number_fr(m.ects));
  d.set("has_periods", m.periods > 0);
  d.set("periods", std::to_string(m.periods));
  set_opt(d, "periods_note", m.periods_note);
  d.set("hours", std::to_string(m.self_study_hours));
  d.set("has_days", m.days > 0);
  d.set("days", format_days(m.days));
  d.set("has_moments", m.training_moments > 0);
  d.set("moments", std::to_string(m.training_moments));
  return d;
}

Data PageBuilder::competency_item(const std::string& ref) const {
  Data d;
  const CompetencyLocation* loc = site_.find_competency(ref);
  if (!loc) return d;
  const Framework& fw = site_.frameworks[loc->framework];
  d.set("ref", ref);
  d.set("url", index_.competency_url(ref));
  d.set("code", competency_code(site_, *loc));
  d.set("title", competency_title(site_, *loc));
  d.set("framework", fw.short_title.empty() ? fw.title : fw.short_title);
  return d;
}

Data PageBuilder::totals_data() const {
  Totals t = compute_totals(site_);
  Data d;
  d.set("ects", format_number_fr(t.ects));
  d.set("periods", std::to_string(t.periods));
  d.set("hours", std::to_string(t.self_study_hours));
  return d;
}

std::string PageBuilder::directive(TemplateSet& tmpl, const std::string& name, const std::string& arg,
                                   const SourcePos& pos) const {
  Data d = base_data();
  if (name == "ects-table" || name == "modules-list") {
    List modules;
    for (const Module& m : site_.modules) modules.push_back(module_summary(m));
    d.set("modules", modules);
    d.set("totals", totals_data());
  } else if (name == "framework-table") {
    const Framework* fw = site_.find_framework(arg);
    if (!fw) {
      std::vector<std::string> ids;
      for (const auto& [k, v] : site_.framework_by_id) ids.push_back(k);
      diags_.error(pos, "framework-table: unknown framework '" + arg + "'", did_you_mean(arg, ids));
      return {};
    }
    d.set("framework", framework_data(*fw));
  } else {
    diags_.error(pos, "unknown directive '" + name + "'",
                 did_you_mean(name, {"ects-table", "modules-list", "framework-table"}));
    return {};
  }
  return tmpl.render("directive-" + name, d);
}

std::string PageBuilder::home(TemplateSet& tmpl) const {
  const Page& p = site_.pages[0];
  std::vector<Heading> headings;
  std::string body = markdown(tmpl, p.body, true, &headings);
  Data d = base_data();
  d.set("title", p.title);
  set_opt(d, "subtitle", p.subtitle);
  set_opt(d, "kind", site_.programme.kind);
  set_opt(d, "short_title", site_.programme.short_title);
  set_opt(d, "cohort", site_.programme.cohort);
  List toc;
  for (const Heading& h : headings) {
    if (h.level != 2) continue;
    Data item;
    item.set("id", h.id);
    item.set("text", h.text);
    toc.push_back(item);
  }
  d.set("toc", toc);
  d.set("body", body);
  d.set("totals", totals_data());
  return tmpl.render("home", d);
}

std::string PageBuilder::page(TemplateSet& tmpl, const Page& p) const {
  Data d = base_data();
  d.set("title", p.title);
  set_opt(d, "subtitle", p.subtitle);
  d.set("body", markdown(tmpl, p.body, true));
  return tmpl.render("page", d);
}

std::string PageBuilder::modules_index(TemplateSet& tmpl) const {
  Data d = base_data();
  List modules;
  for (const Module& m : site_.modules) modules.push_back(module_summary(m));
  d.set("modules", modules);
  d.set("totals", totals_data());
  return tmpl.render("modules", d);
}

std::string PageBuilder::module_page(TemplateSet& tmpl, size_t i) const {
  const Module& m = site_.modules[i];
  Data d = base_data();
  d.set("module", module_summary(m));
  set_opt(d, "body", markdown(tmpl, m.body, true));
  set_opt(d, "a_la_carte", m.a_la_carte);
  d.set("has_a_la_carte_min", m.a_la_carte_min_periods > 0);
  d.set("a_la_carte_min", std::to_string(m.a_la_carte_min_periods));
  List outcomes;
  for (const auto& o : m.outcomes) outcomes.push_back(Data(o));
  d.set("outcomes", outcomes);
  d.set("has_outcomes", !m.outcomes.empty());
  // Competencies grouped by framework, in the order the module lists them.
  List groups;
  std::vector<std::string> seen;
  for (const Ref& r : m.competencies) {
    const CompetencyLocation* loc = site_.find_competency(r.id);
    if (!loc) continue;
    const Framework& fw = site_.frameworks[loc->framework];
    if (std::find(seen.begin(), seen.end(), fw.id) != seen.end()) continue;
    seen.push_back(fw.id);
    List items;
    for (const Ref& r2 : m.competencies) {
      if (r2.id.rfind(fw.id + "/", 0) == 0 && site_.find_competency(r2.id)) items.push_back(competency_item(r2.id));
    }
    Data g;
    g.set("framework", fw.title);
    g.set("framework_url", index_.framework_url(fw.id));
    g.set("items", items);
    groups.push_back(g);
  }
  d.set("competency_groups", groups);
  d.set("has_competencies", !groups.empty());
  List tasks;
  for (const Task& t : m.tasks) {
    Data td;
    td.set("id", t.id);
    td.set("title", t.title);
    td.set("kind", ui(theme_, "task_kinds." + t.kind));
    set_opt(td, "description", t.description);
    tasks.push_back(td);
  }
  d.set("tasks", tasks);
  d.set("has_tasks", !m.tasks.empty());
  if (i > 0) {
    d.set("prev", module_summary(site_.modules[i - 1]));
  }
  if (i + 1 < site_.modules.size()) {
    d.set("next", module_summary(site_.modules[i + 1]));
  }
  return tmpl.render("module", d);
}

Data PageBuilder::framework_data(const Framework& fw) const {
  Data d;
  d.set("id", fw.id);
  d.set("url", index_.framework_url(fw.id));
  d.set("title", fw.title);
  set_opt(d, "short_title", fw.short_title);
  set_opt(d, "source", fw.source);
  set_opt(d, "source_url", fw.source_url);
  d.set("domain_label", fw.domain_label.empty() ? ui(theme_, "framework.domain") : fw.domain_label);
  d.set("competency_label", fw.competency_label.empty() ? ui(theme_, "framework.competency") : fw.competency_label);
  List levels;
  for (const auto& l : fw.levels) levels.push_back(Data(l));
  d.set("levels", levels);
  d.set("has_levels", !fw.levels.empty());
  size_t count = 0;
  List domains;
  for (const Domain& dom : fw.domains) {
    Data dd;
    std::string ref = fw.id + "/" + dom.code;
    dd.set("code", dom.code);
    dd.set("title", dom.title);
    set_opt(dd, "description", dom.description);
    dd.set("url", index_.competency_url(ref));
    dd.set("anchor", "domaine-" + slugify(dom.code));
    List comps;
    for (const Competency& c : dom.competencies) {
      Data cd;
      cd.set("code", c.code);
      cd.set("title", c.title);
      set_opt(cd, "description", c.description);
      cd.set("url", index_.competency_url(fw.id + "/" + c.code));
      size_t n = index_.modules_developing(fw.id + "/" + c.code).size();
      cd.set("module_count", std::to_string(n));
      cd.set("has_modules", n > 0);
      comps.push_back(cd);
    }
    dd.set("competencies", comps);
    dd.set("has_competencies", !dom.competencies.empty());
    count += dom.competencies.empty() ? 1 : dom.competencies.size();
    domains.push_back(dd);
  }
  d.set("domains", domains);
  d.set("domain_count", std::to_string(fw.domains.size()));
  d.set("competency_count", std::to_string(count));
  return d;
}

std::string PageBuilder::frameworks_index(TemplateSet& tmpl) const {
  Data d = base_data();
  List list;
  for (const Framework& fw : site_.frameworks) list.push_back(framework_data(fw));
  d.set("frameworks", list);
  return tmpl.render("frameworks", d);
}

std::string PageBuilder::framework_page(TemplateSet& tmpl, const Framework& fw) const {
  Data d = base_data();
  d.set("framework", framework_data(fw));
  set_opt(d, "body", markdown(tmpl, fw.body, true));
  return tmpl.render("framework", d);
}

std::string PageBuilder::competency_page(TemplateSet& tmpl, const Framework& fw, const Domain& dom,
                                         const Competency* c) const {
  Data d = base_data();
  std::string ref = fw.id + "/" + (c ? c->code : dom.code);
  d.set("framework", framework_data(fw));
  d.set("is_domain", c == nullptr);
  d.set("code", c ? c->code : dom.code);
  d.set("title", c ? c->title : dom.title);
  set_opt(d, "description", c ? c->description : dom.description);
  List criteria;
  if (c) {
    for (const auto& k : c->criteria) criteria.push_back(Data(k));
  }
  d.set("criteria", criteria);
  d.set("has_criteria", c && !c->criteria.empty());
  Data parent;
  parent.set("code", dom.code);
  parent.set("title", dom.title);
  set_opt(parent, "summary", dom.description);  // not "description": it would fall back to the page's
  parent.set("url", index_.competency_url(fw.id + "/" + dom.code));
  d.set("domain", parent);
  if (!c) {
    List children;
    for (const Competency& child : dom.competencies) children.push_back(competency_item(fw.id + "/" + child.code));
    d.set("children", children);
    d.set("has_children", !dom.competencies.empty());
  }
  List modules;
  for (const Module* m : index_.modules_developing(ref)) modules.push_back(module_summary(*m));
  d.set("modules", modules);
  d.set("has_modules", !index_.modules_developing(ref).empty());
  return tmpl.render("competency", d);
}

std::vector<Job> PageBuilder::jobs() {
  std::vector<Job> jobs;
  const std::string& base = site_.config.base_path;
  auto add = [&](PageMeta meta, std::function<std::string(TemplateSet&)> body) {
    meta.path = path_of(meta.url, base);
    jobs.push_back({std::move(meta), std::move(body)});
  };
  const Crumb home_crumb{ui(theme_, "nav.programme"), index_.home_url()};
  const Crumb modules_crumb{ui(theme_, "nav.modules"), index_.modules_url()};
  const Crumb frameworks_crumb{ui(theme_, "nav.frameworks"), index_.frameworks_url()};

  if (!site_.pages.empty()) {
    const Page& p = site_.pages[0];
    add({"", index_.home_url(), p.title, p.description, "programme", {}, course_json_ld(index_)},
        [this](TemplateSet& t) { return home(t); });
  }
  for (size_t i = 1; i < site_.pages.size(); ++i) {
    const Page& p = site_.pages[i];
    add({"", index_.page_url(p.id), p.title, p.description, "", {home_crumb}, ""},
        [this, &p](TemplateSet& t) { return page(t, p); });
  }
  add({"", index_.modules_url(), ui(theme_, "nav.modules"), "", "modules", {home_crumb}, ""},
      [this](TemplateSet& t) { return modules_index(t); });
  for (size_t i = 0; i < site_.modules.size(); ++i) {
    const Module& m = site_.modules[i];
    std::string title = m.number > 0 ? ui(theme_, "module.label") + " " + std::to_string(m.number) + " – " + m.title : m.title;
    add({"", index_.module_url(m.id), title, "", "modules", {home_crumb, modules_crumb}, ""},
        [this, i](TemplateSet& t) { return module_page(t, i); });
  }
  add({"", index_.frameworks_url(), ui(theme_, "nav.frameworks"), "", "frameworks", {home_crumb}, ""},
      [this](TemplateSet& t) { return frameworks_index(t); });
  for (const Framework& fw : site_.frameworks) {
    add({"", index_.framework_url(fw.id), fw.title, "", "frameworks", {home_crumb, frameworks_crumb}, ""},
        [this, &fw](TemplateSet& t) { return framework_page(t, fw); });
    Crumb fw_crumb{fw.short_title.empty() ? fw.title : fw.short_title, index_.framework_url(fw.id)};
    for (const Domain& dom : fw.domains) {
      add({"", index_.competency_url(fw.id + "/" + dom.code), dom.code + " " + dom.title, "", "frameworks",
           {home_crumb, frameworks_crumb, fw_crumb}, ""},
          [this, &fw, &dom](TemplateSet& t) { return competency_page(t, fw, dom, nullptr); });
      Crumb dom_crumb{dom.code + " " + dom.title, index_.competency_url(fw.id + "/" + dom.code)};
      for (const Competency& c : dom.competencies) {
        add({"", index_.competency_url(fw.id + "/" + c.code), c.code + " " + c.title, "", "frameworks",
             {home_crumb, frameworks_crumb, fw_crumb, dom_crumb}, ""},
            [this, &fw, &dom, &c](TemplateSet& t) { return competency_page(t, fw, dom, &c); });
      }
    }
  }
  return jobs;
}

}  // namespace

RenderStats render_site(const Index& index, const Theme& theme, OutputSink& sink, Diagnostics& diags,
                        unsigned threads) {
  PageBuilder builder(index, theme, diags);
  std::vector<Job> jobs = builder.jobs();

  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, std::max<size_t>(1, jobs.size()));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    TemplateSet tmpl(theme);
    for (size_t i = next++; i < jobs.size(); i = next++) {
      const Job& job = jobs[i];
      std::string body = job.body(tmpl);
      sink.write(job.meta.path, builder.layout(tmpl, job.meta, body));
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  std::vector<std::string> urls;
  for (const Job& job : jobs) urls.push_back(job.meta.url);
  sink.write("sitemap.xml", sitemap_xml(index, urls));
  sink.write("api/catalogue.json", catalogue_json(index));
  for (const std::string& file : theme.static_files) sink.copy_file(file, theme.dir + "/static/" + file);

  RenderStats stats;
  stats.pages = jobs.size();
  stats.files = jobs.size() + 2 + theme.static_files.size();
  return stats;
}

}  // namespace cartable
