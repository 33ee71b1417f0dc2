// The HTML pages: one view model per page, filled from the index and handed
// to the theme's templates. Pages are jobs run in parallel.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <atomic>
#include <functional>
#include <thread>
#include <unordered_map>
#include <optional>
#include <mutex>

#include "base/text.h"
#include "check/check.h"
#include "index/readiness.h"
#include "load/load.h"
#include "render/markdown.h"
#include "calendar/event.h"
#include "calendar/timezone.h"
#include "render/render.h"

namespace cartable {

namespace {

struct Crumb {
  std::string label;
  std::string url;
};

// Breadcrumbs, shared: the twenty entry pages of a portfolio hold one copy.
class Crumbs {
 public:
  Crumbs() = default;
  Crumbs(std::initializer_list<Crumb> list) : items_(std::make_shared<const std::vector<Crumb>>(list)) {}
  bool empty() const { return !items_ || items_->empty(); }
  std::vector<Crumb>::const_iterator begin() const { return items_ ? items_->begin() : none().begin(); }
  std::vector<Crumb>::const_iterator end() const { return items_ ? items_->end() : none().end(); }

 private:
  static const std::vector<Crumb>& none() {
    static const std::vector<Crumb> empty;
    return empty;
  }
  std::shared_ptr<const std::vector<Crumb>> items_;
};

// What every page gives the layout.
struct PageMeta {
  std::string path;  // output file, e.g. "modules/m1/index.html"
  std::string url;   // site URL, e.g. "/modules/m1/"
  std::string title;
  std::string description;
  std::string section;  // which main-menu entry is current
  Crumbs crumbs;
  std::string json_ld;
  std::vector<std::string> scripts = {};  // site URLs of scripts, loaded with defer
  std::vector<std::string> styles = {};
  bool searchable = true;                 // indexed by Pagefind (not print views)
};

struct Job {
  PageMeta meta;
  std::function<std::string(TemplateSet&)> body;  // the page's main content
  bool is_page = true;  // false: `body` is the whole file (feeds), no layout
  // What the page shows of portfolios ("entry:x/y", "portfolio:x",
  // "competency:ref", "task:m/t", "portfolios"): an incremental rebuild after
  // an entry changes renders the pages sharing a key with it.
  std::vector<std::string> deps = {};
};

class PageBuilder {
 public:
  PageBuilder(const Index& index, const Theme& theme, Diagnostics& diags, const RenderOptions& options)
      : tz_(TimeZone::find(index.site().config.timezone)), index_(index), site_(index.site()), theme_(theme),
        diags_(diags), options_(options) {}

  std::vector<Job> jobs();
  std::string layout(TemplateSet& tmpl, const PageMeta& meta, const std::string& body) const;

 private:
  Data base_data() const;
  Data module_summary(const Module& m) const;
  Data competency_item(const std::string& ref) const;
  Data framework_data(const Framework& fw) const;
  std::string markdown(TemplateSet& tmpl, const Markdown& md, bool trusted, std::vector<Heading>* headings = nullptr,
                       const Entry* entry = nullptr, const std::string& prefix = "") const;
  std::string directive(TemplateSet& tmpl, const std::string& name, const std::string& arg, const SourcePos& pos) const;

  std::string home(TemplateSet& tmpl) const;
  std::string page(TemplateSet& tmpl, const Page& p) const;
  std::string modules_index(TemplateSet& tmpl) const;
  std::string module_page(TemplateSet& tmpl, size_t i) const;
  std::string frameworks_index(TemplateSet& tmpl) const;
  std::string framework_page(TemplateSet& tmpl, const Framework& fw) const;
  std::string competency_page(TemplateSet& tmpl, const Framework& fw, const Domain& d, const Competency* c) const;
  Data totals_data() const;
  Data session_data(const Session& s) const;
  List session_list(const std::vector<const Session*>& sessions) const;
  std::string time_label(const LocalTime& start, const LocalTime& end) const;
  std::string date_label(const LocalTime& t) const;
  std::string calendar_page(TemplateSet& tmpl) const;
  std::string session_page(TemplateSet& tmpl, size_t i) const;
  std::string changes_page(TemplateSet& tmpl) const;
  std::string session_json_ld(const Session& s) const;
  Data portfolio_summary(const Portfolio& p) const;
  Data entry_summary(const Entry& e) const;
  Data entry_brief(const Entry& e) const;  // what a list shows of an entry
  Data coverage(const Portfolio& p) const;
  std::string portfolios_index(TemplateSet& tmpl) const;
  std::string portfolio_page(TemplateSet& tmpl, const Portfolio& p) const;
  std::string entry_page(TemplateSet& tmpl, const Entry& e) const;
  // Entry bodies are rendered once, by the print page of their portfolio,
  // whose job comes just before theirs: each entry page takes its own.
  // A page that misses (another thread got there first) renders it and
  // leaves a mark so the print page does not store it for nobody.
  bool share_bodies() const { return options_.only == nullptr; }
  std::optional<std::string> take_body(const Entry& e) const;
  void offer_body(const Entry& e, std::string html) const;
  mutable std::mutex bodies_mutex_;
  mutable std::unordered_map<const Entry*, std::optional<std::string>> bodies_;
  std::string file_size(uintmax_t bytes) const;
  // `compact`: participants and counts only, for competencies evidenced by
  // more entries than a page can usefully list.
  List evidence_groups(const std::string& ref, bool compact = false) const;
  bool experts() const { return site_.audience == Visibility::Experts; }
  Data readiness_data(const Portfolio& p, bool* ready = nullptr) const;
  std::string experts_page(TemplateSet& tmpl, int filter) const;
  std::string print_page(TemplateSet& tmpl, const Portfolio& p) const;
  std::string search_page(TemplateSet& tmpl) const;
  std::optional<TimeZone> tz_;

  const Index& index_;
  const Site& site_;
  const Theme& theme_;
  Diagnostics& diags_;
  RenderOptions options_;
};

// Values are moved into place: a list of a thousand entries is never copied.
void set(Data& obj, const std::string& key, Data&& value) { obj.set(key, std::move(value)); }
void set(Data& obj, const std::string& key, List&& items) { obj.set(key, Data(std::move(items))); }

// Sets `key` only when `value` is not empty: Mustache treats any string,
// even "", as true in a section, and templates test optional text with one.
void set_opt(Data& d, const std::string& key, const std::string& value) {
  if (!value.empty()) d.set(key, value);
}

// Past this many entries, a competency page lists participants, not
// entries, and a module page counts a task's entries instead of listing them.
constexpr size_t kEvidenceListLimit = 200;

std::string path_of(const std::string& url, const std::string& base_path) {
  std::string rel = url.substr(base_path.size());
  return rel + "index.html";
}

Data PageBuilder::base_data() const {
  Data d;
  // UI strings and partials are already in the templates (theme.cpp).
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
    nav.push_back(std::move(item));
  };
  nav_item("programme", index_.home_url());
  nav_item("modules", index_.modules_url());
  nav_item("calendar", index_.calendar_url());
  nav_item("frameworks", index_.frameworks_url());
  nav_item("portfolios", index_.portfolios_url());
  if (experts()) nav_item("experts", index_.experts_url());
  nav_item("search", index_.search_url());
  set(d, "nav", std::move(nav));
  if (!meta.crumbs.empty()) {
    List crumbs;
    for (const Crumb& c : meta.crumbs) {
      Data item;
      item.set("label", c.label);
      item.set("url", c.url);
      crumbs.push_back(std::move(item));
    }
    set(d, "crumbs", std::move(crumbs));
    d.set("has_crumbs", true);
  }
  if (!meta.json_ld.empty()) d.set("json_ld", escape_json_for_script(meta.json_ld));
  if (meta.section == "calendar") {
    d.set("atom_feed", index_.changes_feed_url());
    d.set("ics_feed", index_.calendar_feed_url());
  }
  const Institution& inst = site_.config.institution;
  Data in;
  in.set("name", inst.name);
  set_opt(in, "unit", inst.unit);
  List address;
  for (const auto& line : inst.address) address.push_back(Data(line));
  set(in, "address", std::move(address));
  set_opt(in, "phone", inst.phone);
  in.set("phone_uri", [&] {
    std::string uri = "tel:";
    for (char c : inst.phone) if (c == '+' || std::isdigit(static_cast<unsigned char>(c))) uri += c;
    return uri;
  }());
  set_opt(in, "email", inst.email);
  set(d, "institution", std::move(in));
  set(d, "content", std::move(body));
  d.set("noindex", experts());
  d.set("searchable", meta.searchable && options_.search);
  List scripts, styles;
  for (const auto& u : meta.scripts) scripts.push_back(Data(u));
  for (const auto& u : meta.styles) styles.push_back(Data(u));
  set(d, "scripts", std::move(scripts));
  set(d, "styles", std::move(styles));
  return tmpl.render("base", d);
}

std::string PageBuilder::markdown(TemplateSet& tmpl, const Markdown& md, bool trusted,
                                  std::vector<Heading>* headings, const Entry* entry, const std::string& prefix) const {
  MarkdownOptions options;
  options.heading_prefix = prefix;
  if (entry) {
    options.restrict_relative = true;
    for (const Attachment& a : entry->attachments) options.local_files.push_back(a.file);
  }
  options.index = &index_;
  options.footnote_back_label = ui(theme_, "footnote_back");
  options.task_done_label = ui(theme_, "task_done");
  options.task_todo_label = ui(theme_, "task_todo");
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

std::string PageBuilder::date_label(const LocalTime& t) const {
  return ui(theme_, "weekdays." + std::to_string(weekday(t))) + " " + std::to_string(t.day) + " " +
         ui(theme_, "months." + std::to_string(t.month)) + " " + std::to_string(t.year);
}

std::string PageBuilder::time_label(const LocalTime& start, const LocalTime& end) const {
  const std::string& h = ui(theme_, "calendar.hour_sep");
  char a[16], b[16];
  std::snprintf(a, sizeof a, "%02d%s%02d", start.hour, h.c_str(), start.minute);
  std::snprintf(b, sizeof b, "%02d%s%02d", end.hour, h.c_str(), end.minute);
  return std::string(a) + ui(theme_, "calendar.range_sep") + b;
}

Data PageBuilder::session_data(const Session& s) const {
  Data d;
  d.set("id", s.id);
  d.set("url", index_.session_url(s.id));
  d.set("title", s.title);
  set_opt(d, "description", s.description);
  d.set("cancelled", s.status == "cancelled");
  d.set("tentative", s.status == "tentative");
  d.set("status_label", ui(theme_, "calendar.status_" + s.status));
  d.set("date_label", date_label(s.start));
  d.set("time_label", time_label(s.start, s.end));
  if (tz_) {
    d.set("start_iso", format_iso_offset(s.start, tz_->offset_at(s.start)));
    d.set("end_iso", format_iso_offset(s.end, tz_->offset_at(s.end)));
  }
  if (const Place* p = site_.find_place(s.place.id)) {
    d.set("place_short", p->short_name.empty() ? p->name : p->short_name);
    d.set("place_name", p->name);
    set_opt(d, "place_address", p->address);
    d.set("online", p->online);
  }
  if (const Module* m = site_.find_module(s.module.id)) {
    d.set("module", module_summary(*m));
  }
  List speakers;
  for (const Ref& r : s.speakers) {
    const Person* p = site_.find_person(r.id);
    if (!p) continue;
    Data sp;
    sp.set("name", p->name);
    std::string roles;
    for (const auto& role : p->roles) roles += (roles.empty() ? "" : ", ") + role;
    set_opt(sp, "roles", roles);
    speakers.push_back(std::move(sp));
  }
  d.set("has_speakers", !speakers.empty());
  set(d, "speakers", std::move(speakers));
  d.set("ics_url", index_.session_ics_url(s.id));
  List history;
  for (const HistoryEntry& h : s.history) {
    Data hd;
    char iso[16];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", h.date.year, h.date.month, h.date.day);
    hd.set("date_iso", std::string(iso));
    hd.set("date_label", std::to_string(h.date.day) + " " + ui(theme_, "months." + std::to_string(h.date.month)) + " " +
                             std::to_string(h.date.year));
    hd.set("note", h.note);
    history.push_back(std::move(hd));
  }
  d.set("has_history", !s.history.empty());
  set(d, "history", std::move(history));
  return d;
}

List PageBuilder::session_list(const std::vector<const Session*>& sessions) const {
  List list;
  for (const Session* s : sessions) list.push_back(session_data(*s));
  return list;
}

std::string PageBuilder::calendar_page(TemplateSet& tmpl) const {
  Data d = base_data();
  set_opt(d, "cohort", site_.programme.cohort);
  d.set("feed_url", index_.absolute(index_.calendar_feed_url()));
  d.set("webcal_url", index_.webcal(index_.calendar_feed_url()));
  d.set("changes_url", index_.changes_url());
  List months;
  Data month;
  List items;
  int current = -1;
  auto flush = [&] {
    if (current < 0) return;
    set(month, "sessions", std::move(items));
    months.push_back(std::move(month));
    items = List();
    month = Data();
  };
  for (const Session& s : site_.sessions) {
    int key = s.start.year * 100 + s.start.month;
    if (key != current) {
      flush();
      current = key;
      month.set("label", ui(theme_, "months." + std::to_string(s.start.month)) + " " + std::to_string(s.start.year));
      char anchor[16];
      std::snprintf(anchor, sizeof anchor, "%04d-%02d", s.start.year, s.start.month);
      month.set("anchor", std::string(anchor));
    }
    items.push_back(session_data(s));
  }
  flush();
  set(d, "months", std::move(months));
  List feeds;
  for (const Module& m : site_.modules) {
    if (index_.sessions_of(m.id).empty()) continue;
    Data f = module_summary(m);
    f.set("feed_url", index_.absolute(index_.module_feed_url(m.id)));
    f.set("webcal_url", index_.webcal(index_.module_feed_url(m.id)));
    f.set("count", std::to_string(index_.sessions_of(m.id).size()));
    feeds.push_back(std::move(f));
  }
  set(d, "module_feeds", std::move(feeds));
  return tmpl.render("calendar", d);
}

std::string PageBuilder::session_page(TemplateSet& tmpl, size_t i) const {
  const Session& s = site_.sessions[i];
  Data d = base_data();
  d.set("session", session_data(s));
  const auto& siblings = index_.sessions_of(s.module.id);
  auto it = std::find(siblings.begin(), siblings.end(), &s);
  if (it != siblings.end() && it != siblings.begin()) d.set("prev", session_data(**(it - 1)));
  if (it != siblings.end() && it + 1 != siblings.end()) d.set("next", session_data(**(it + 1)));
  return tmpl.render("session", d);
}

std::string PageBuilder::changes_page(TemplateSet& tmpl) const {
  Data d = base_data();
  struct Change {
    const Session* s;
    const HistoryEntry* h;
  };
  std::vector<Change> changes;
  for (const Session& s : site_.sessions) {
    for (const HistoryEntry& h : s.history) changes.push_back({&s, &h});
  }
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return b.h->date < a.h->date; });
  List list;
  for (const Change& c : changes) {
    Data item = session_data(*c.s);
    char iso[16];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", c.h->date.year, c.h->date.month, c.h->date.day);
    item.set("change_date_iso", std::string(iso));
    item.set("change_date", std::to_string(c.h->date.day) + " " + ui(theme_, "months." + std::to_string(c.h->date.month)) +
                                " " + std::to_string(c.h->date.year));
    item.set("note", c.h->note);
    list.push_back(std::move(item));
  }
  set(d, "changes", std::move(list));
  d.set("has_changes", !changes.empty());
  d.set("feed_url", index_.changes_feed_url());
  return tmpl.render("changes", d);
}

std::string PageBuilder::session_json_ld(const Session& s) const {
  using Json = nlohmann::ordered_json;
  const Place* place = site_.find_place(s.place.id);
  const Module* m = site_.find_module(s.module.id);
  Json j = {{"@context", "https://schema.org"}, {"@type", "EducationEvent"}, {"name", s.title}};
  if (tz_) {
    j["startDate"] = format_iso_offset(s.start, tz_->offset_at(s.start));
    j["endDate"] = format_iso_offset(s.end, tz_->offset_at(s.end));
  }
  j["eventStatus"] = s.status == "cancelled" ? "https://schema.org/EventCancelled" : "https://schema.org/EventScheduled";
  bool online = place && place->online;
  j["eventAttendanceMode"] = online ? "https://schema.org/OnlineEventAttendanceMode" : "https://schema.org/OfflineEventAttendanceMode";
  if (online) {
    j["location"] = {{"@type", "VirtualLocation"}, {"url", index_.absolute(index_.session_url(s.id))}};
  } else if (place) {
    j["location"] = {{"@type", "Place"}, {"name", place->name}, {"address", place->address}};
  }
  j["url"] = index_.absolute(index_.session_url(s.id));
  j["inLanguage"] = site_.config.language;
  j["organizer"] = {{"@type", "CollegeOrUniversity"}, {"name", site_.config.institution.name}};
  if (!s.speakers.empty()) {
    Json performers = Json::array();
    for (const Ref& r : s.speakers) {
      if (const Person* p = site_.find_person(r.id)) performers.push_back({{"@type", "Person"}, {"name", p->name}});
    }
    j["performer"] = performers;
  }
  if (m) j["superEvent"] = {{"@type", "Course"}, {"name", m->title}, {"url", index_.absolute(index_.module_url(m->id))}};
  return j.dump(2);
}

std::string PageBuilder::file_size(uintmax_t bytes) const {
  if (bytes < 1024) return std::to_string(bytes) + " " + ui(theme_, "size.bytes");
  if (bytes < 1024 * 1024) return format_number_fr(std::round(bytes / 102.4) / 10) + " " + ui(theme_, "size.kb");
  return format_number_fr(std::round(bytes / (1024 * 102.4)) / 10) + " " + ui(theme_, "size.mb");
}

Data PageBuilder::portfolio_summary(const Portfolio& p) const {
  Data d;
  d.set("slug", p.slug);
  d.set("url", index_.portfolio_url(p.slug));
  d.set("name", p.name);
  set_opt(d, "school", p.school);
  set_opt(d, "cohort", p.cohort);
  d.set("experts_only", p.visibility == Visibility::Experts);
  d.set("entry_count", std::to_string(index_.entries_of(p.slug).size()));
  return d;
}

Data PageBuilder::entry_brief(const Entry& e) const {
  Data d;
  d.set("url", index_.entry_url(e));
  d.set("title", e.title);
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", e.date.year, e.date.month, e.date.day);
  d.set("date_iso", std::string(iso));
  d.set("date_label", std::to_string(e.date.day) + " " + ui(theme_, "months." + std::to_string(e.date.month)) + " " +
                          std::to_string(e.date.year));
  std::string kind = index_.entry_kind(e);
  if (!kind.empty()) d.set("kind", ui(theme_, "task_kinds." + kind));
  d.set("status", e.status);
  d.set("status_label", ui(theme_, "status." + e.status));
  d.set("experts_only", e.visibility == Visibility::Experts);
  std::vector<const Portfolio*> authors = index_.authors(e);
  d.set("is_group", authors.size() > 1);
  List names;
  for (const Portfolio* a : authors) {
    Data ad;
    ad.set("name", a->name);
    ad.set("url", index_.portfolio_url(a->slug));
    names.push_back(std::move(ad));
  }
  set(d, "authors", std::move(names));
  return d;
}

Data PageBuilder::entry_summary(const Entry& e) const {
  Data d = entry_brief(e);
  if (const Module* m = site_.find_module(e.module.id)) set(d, "module", module_summary(*m));
  if (const Task* t = index_.task_of(e)) {
    d.set("task", t->title);
    d.set("task_url", index_.module_url(e.module.id) + "#tache-" + t->id);
  }
  d.set("acquired", e.status == "acquired");
  // Only `serve` ever renders these: builds drop them before indexing.
  if (const Portfolio* owner = site_.find_portfolio(e.portfolio)) {
    d.set("private", std::max(e.visibility, owner->visibility) == Visibility::Private);
  }
  d.set("draft", e.draft);
  List comps;
  for (const Ref& r : e.competencies) {
    if (site_.find_competency(r.id)) comps.push_back(competency_item(r.id));
  }
  set(d, "competencies", std::move(comps));
  return d;
}

// Which sub-domains of the coverage framework a participant's entries
// evidence: an HTML table (the accessible form) and a heat map drawn as SVG
// by the theme from the geometry computed here.
Data PageBuilder::coverage(const Portfolio& p) const {
  Data d;
  const Framework* fw = site_.find_framework("rc-num-so");
  if (!fw && !site_.frameworks.empty()) fw = &site_.frameworks[0];
  if (!fw) return d;
  std::map<std::string, std::vector<Evidence>> mine = index_.evidence_of(p.slug);
  constexpr int kLabel = 48, kCell = 92, kRow = 46, kGap = 4, kTop = 4;
  size_t widest = 0;
  for (const Domain& dom : fw->domains) widest = std::max(widest, dom.competencies.size());
  List rows, cells, domain_labels;
  int covered = 0, total = 0;
  for (size_t di = 0; di < fw->domains.size(); ++di) {
    const Domain& dom = fw->domains[di];
    Data label;
    label.set("x", std::to_string(kLabel - 10));
    label.set("y", std::to_string(kTop + di * kRow + kRow / 2 + 4));
    label.set("text", dom.code);
    domain_labels.push_back(std::move(label));
    for (size_t ci = 0; ci < dom.competencies.size(); ++ci) {
      const Competency& c = dom.competencies[ci];
      std::string ref = fw->id + "/" + c.code;
      List entries;
      int count = 0;
      for (const Evidence& ev : mine[ref]) {
        Data ed;
        ed.set("title", ev.entry->title);
        ed.set("url", index_.entry_url(*ev.entry));
        ed.set("equivalent", ev.equivalent);
        entries.push_back(std::move(ed));
        ++count;
      }
      ++total;
      if (count > 0) ++covered;
      Data row;
      row.set("code", c.code);
      row.set("title", c.title);
      row.set("url", index_.competency_url(ref));
      row.set("count", std::to_string(count));
      row.set("covered", count > 0);
      set(row, "entries", std::move(entries));
      row.set("domain_start", ci == 0);
      row.set("domain", dom.code + " " + dom.title);
      rows.push_back(std::move(row));
      Data cell;
      cell.set("x", std::to_string(kLabel + ci * (kCell + kGap)));
      cell.set("y", std::to_string(kTop + di * kRow));
      cell.set("w", std::to_string(kCell));
      cell.set("h", std::to_string(kRow - kGap));
      cell.set("tx", std::to_string(kLabel + ci * (kCell + kGap) + kCell / 2));
      cell.set("ty", std::to_string(kTop + di * kRow + (kRow - kGap) / 2 + 5));
      cell.set("level", std::to_string(std::min(count, 3)));
      cell.set("code", c.code);
      cell.set("title", c.title);
      cell.set("count", std::to_string(count));
      cells.push_back(std::move(cell));
    }
  }
  d.set("framework", fw->short_title.empty() ? fw->title : fw->short_title);
  d.set("framework_url", index_.framework_url(fw->id));
  set(d, "rows", std::move(rows));
  set(d, "cells", std::move(cells));
  set(d, "domain_labels", std::move(domain_labels));
  d.set("width", std::to_string(kLabel + widest * (kCell + kGap)));
  d.set("height", std::to_string(kTop + fw->domains.size() * kRow));
  d.set("covered", std::to_string(covered));
  d.set("total", std::to_string(total));
  return d;
}

List PageBuilder::evidence_groups(const std::string& ref, bool compact) const {
  // Grouped by participant: every author of an entry gets it in their group.
  std::map<std::string, std::vector<const Evidence*>> by_author;
  for (const Evidence& ev : index_.evidence_for(ref)) {
    for (const Portfolio* a : index_.authors(*ev.entry)) by_author[a->slug].push_back(&ev);
  }
  List groups;
  groups.reserve(by_author.size());
  for (const auto& [slug, evidence] : by_author) {
    const Portfolio* p = site_.find_portfolio(slug);
    Data g = portfolio_summary(*p);
    g.set("count", std::to_string(evidence.size()));
    if (!compact) {
      List entries;
      entries.reserve(evidence.size());
      for (const Evidence* ev : evidence) {
        Data ed = entry_brief(*ev->entry);
        ed.set("equivalent", ev->equivalent);
        entries.push_back(std::move(ed));
      }
      set(g, "entries", std::move(entries));
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

std::string PageBuilder::portfolios_index(TemplateSet& tmpl) const {
  Data d = base_data();
  List list;
  for (const Portfolio& p : site_.portfolios) list.push_back(portfolio_summary(p));
  set(d, "portfolios", std::move(list));
  d.set("has_portfolios", !site_.portfolios.empty());
  return tmpl.render("portfolios", d);
}

std::string PageBuilder::portfolio_page(TemplateSet& tmpl, const Portfolio& p) const {
  Data d = base_data();
  d.set("portfolio", portfolio_summary(p));
  if (!p.bio.text.empty()) d.set("bio", markdown(tmpl, p.bio, false, nullptr, nullptr, "bio-"));
  const auto& mine = index_.entries_of(p.slug);
  List modules;
  int acquired = 0, submitted = 0, not_acquired = 0;
  for (const Module& m : site_.modules) {
    List entries;
    for (const Entry* e : mine) {
      if (e->module.id != m.id) continue;
      Data ed = entry_brief(*e);
      entries.push_back(std::move(ed));
    }
    Data md = module_summary(m);
    md.set("has_entries", !entries.empty());
    set(md, "entries", std::move(entries));
    modules.push_back(std::move(md));
  }
  for (const Entry* e : mine) {
    acquired += e->status == "acquired";
    submitted += e->status == "submitted";
    not_acquired += e->status == "not-acquired";
  }
  set(d, "modules", std::move(modules));
  d.set("acquired", std::to_string(acquired));
  d.set("submitted", std::to_string(submitted));
  d.set("not_acquired", std::to_string(not_acquired));
  d.set("coverage", coverage(p));
  d.set("print_url", index_.print_url(p.slug));
  if (experts()) d.set("readiness", readiness_data(p));
  return tmpl.render("portfolio", d);
}

std::optional<std::string> PageBuilder::take_body(const Entry& e) const {
  if (!share_bodies()) return std::nullopt;
  std::lock_guard lock(bodies_mutex_);
  auto it = bodies_.find(&e);
  if (it == bodies_.end()) {
    bodies_.emplace(&e, std::nullopt);  // rendered here: the print page need not keep it
    return std::nullopt;
  }
  std::optional<std::string> html = std::move(it->second);
  bodies_.erase(it);
  return html;
}

void PageBuilder::offer_body(const Entry& e, std::string html) const {
  if (!share_bodies()) return;
  std::lock_guard lock(bodies_mutex_);
  auto it = bodies_.find(&e);
  if (it != bodies_.end()) {
    bodies_.erase(it);  // its page was faster
  } else {
    bodies_.emplace(&e, std::move(html));
  }
}

// On a print page every entry's heading anchors carry the entry's name, as
// two entries may both have a "Contexte". Safe mode escapes any id="…" a
// participant types, so the only ones in the HTML are the headings'.
std::string prefix_heading_ids(const std::string& html, const std::string& from, const std::string& to) {
  const std::string needle = " id=\"" + from;
  std::string out;
  size_t pos = 0;
  for (size_t at = html.find(needle); at != std::string::npos; at = html.find(needle, pos)) {
    out.append(html, pos, at - pos);
    out += " id=\"" + to;
    pos = at + needle.size();
  }
  if (pos == 0) return html;
  out.append(html, pos, std::string::npos);
  return out;
}

std::string PageBuilder::entry_page(TemplateSet& tmpl, const Entry& e) const {
  Data d = base_data();
  d.set("entry", entry_summary(e));
  std::optional<std::string> body = take_body(e);
  d.set("body", body ? std::move(*body) : markdown(tmpl, entry_body(e, diags_), false, nullptr, &e, "trace-"));
  List attachments;
  for (const Attachment& a : e.attachments) {
    Data ad;
    ad.set("url", index_.entry_url(e) + a.file);
    ad.set("file", std::filesystem::path(a.file).filename().string());
    set_opt(ad, "alt", a.alt);
    ad.set("title", a.title.empty() ? (a.alt.empty() ? std::filesystem::path(a.file).filename().string() : a.alt) : a.title);
    ad.set("image", a.image);
    ad.set("width", std::to_string(a.width));
    ad.set("height", std::to_string(a.height));
    ad.set("size", file_size(a.size));
    ad.set("type", ui(theme_, "file_types." + a.type));
    attachments.push_back(std::move(ad));
  }
  set(d, "attachments", std::move(attachments));
  d.set("has_attachments", !e.attachments.empty());
  return tmpl.render("entry", d);
}

Data PageBuilder::readiness_data(const Portfolio& p, bool* ready) const {
  Readiness r = readiness(index_, p);
  if (ready) *ready = r.ready;
  const auto& labels = site_.certification.labels;
  auto label = [&](const char* id) {
    auto it = labels.find(id);
    return it == labels.end() ? std::string(id) : it->second;
  };
  Data d;
  d.set("ready", r.ready);
  List conditions;
  auto condition = [&](const char* id, bool met, const std::string& detail) {
    Data c;
    c.set("label", label(id));
    set(c, "met", std::move(met));
    set_opt(c, "detail", detail);
    conditions.push_back(std::move(c));
  };
  char percent[32];
  std::snprintf(percent, sizeof percent, "%.1f", r.absence_percent);
  std::string pct = percent;
  std::replace(pct.begin(), pct.end(), '.', ',');
  std::string attendance = std::to_string(r.justified_absences + r.unjustified_absences) + " " +
                           ui(theme_, "experts.attendance_detail") + " " + std::to_string(r.sessions) + " " +
                           ui(theme_, "experts.sessions") + " (" + pct + " %, " + ui(theme_, "experts.limit") + " " +
                           format_number_fr(site_.certification.max_absence_percent) + " %)";
  if (r.unjustified_absences > 0) {
    attendance += ", " + std::to_string(r.unjustified_absences) + " " + ui(theme_, "experts.unjustified");
  }
  condition("attendance", r.attendance_ok, attendance);
  int acquired = 0, module_tasks = 0;
  List tasks;
  for (const TaskProgress& tp : r.tasks) {
    Data t;
    t.set("module", tp.module->number > 0 ? ui(theme_, "module.label") + " " + std::to_string(tp.module->number) : tp.module->title);
    t.set("module_url", index_.module_url(tp.module->id));
    t.set("task", tp.task->title);
    t.set("task_url", index_.module_url(tp.module->id) + "#tache-" + tp.task->id);
    t.set("state", std::string(task_state_name(tp.state)));
    t.set("state_label", ui(theme_, std::string("task_states.") + task_state_name(tp.state)));
    t.set("done", tp.state == TaskState::Acquired);
    List entries;
    for (const Entry* e : tp.entries) {
      Data ed;
      ed.set("title", e->title);
      ed.set("url", index_.entry_url(*e));
      entries.push_back(std::move(ed));
    }
    set(t, "entries", std::move(entries));
    tasks.push_back(std::move(t));
    bool is_portfolio = site_.certification.portfolio_task.id == tp.module->id + "/" + tp.task->id;
    if (!is_portfolio) {
      ++module_tasks;
      acquired += tp.state == TaskState::Acquired;
    }
  }
  condition("tasks", r.tasks_ok, std::to_string(acquired) + "/" + std::to_string(module_tasks));
  condition("portfolio", r.portfolio_ok, "");
  std::string defence;
  if (r.defence_scheduled) {
    defence = date_label(r.defence);
    if (r.defence.hour || r.defence.minute) defence += ", " + time_label(r.defence, r.defence).substr(0, 5);
  }
  condition("defence", r.defence_scheduled, defence.empty() ? ui(theme_, "experts.no_defence") : defence);
  set(d, "conditions", std::move(conditions));
  set(d, "tasks", std::move(tasks));
  d.set("acquired", std::to_string(acquired));
  d.set("module_tasks", std::to_string(module_tasks));
  set(d, "absence_percent", std::move(pct));
  d.set("absences", std::to_string(r.justified_absences + r.unjustified_absences));
  d.set("defence", defence.empty() ? ui(theme_, "experts.no_defence") : defence);
  if (r.defence_scheduled) {
    char iso[24];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", r.defence.year, r.defence.month, r.defence.day);
    d.set("defence_iso", std::string(iso));
  }
  // Per module: acquired / tasks, for the overview table.
  List modules;
  for (const Ref& ref : site_.certification.task_modules) {
    int total = 0, done = 0;
    for (const TaskProgress& tp : r.tasks) {
      if (tp.module->id != ref.id) continue;
      ++total;
      done += tp.state == TaskState::Acquired;
    }
    Data m;
    m.set("done", std::to_string(done));
    m.set("total", std::to_string(total));
    m.set("complete", done == total);
    modules.push_back(std::move(m));
  }
  set(d, "modules", std::move(modules));
  return d;
}

// The cohort overview. filter: 0 all, 1 ready, 2 not ready. Each filter is
// its own page, so filtering works without JavaScript; the script adds
// sorting and filtering by name in place.
std::string PageBuilder::experts_page(TemplateSet& tmpl, int filter) const {
  Data d = base_data();
  List rows;
  for (const Portfolio& p : site_.portfolios) {
    bool ready = false;
    Data r = readiness_data(p, &ready);
    if ((filter == 1 && !ready) || (filter == 2 && ready)) continue;
    Data row = portfolio_summary(p);
    set(row, "readiness", std::move(r));
    rows.push_back(std::move(row));
  }
  d.set("count", std::to_string(rows.size()));
  set(d, "rows", std::move(rows));
  List headers;
  for (const Ref& ref : site_.certification.task_modules) {
    if (const Module* m = site_.find_module(ref.id)) {
      Data h;
      h.set("label", ui(theme_, "module.label") + " " + std::to_string(m->number));
      h.set("url", index_.module_url(m->id));
      headers.push_back(std::move(h));
    }
  }
  set(d, "module_headers", std::move(headers));
  List filters;
  const char* keys[] = {"experts.filter_all", "experts.filter_ready", "experts.filter_not_ready"};
  for (int f = 0; f < 3; ++f) {
    Data item;
    item.set("label", ui(theme_, keys[f]));
    item.set("url", index_.experts_url(f));
    item.set("current", f == filter);
    filters.push_back(std::move(item));
  }
  set(d, "filters", std::move(filters));
  // The cohort competency matrix: participants x sub-domains of the
  // coverage framework.
  const Framework* fw = site_.find_framework("rc-num-so");
  if (fw && filter == 0) {
    List columns;
    std::vector<std::string> refs;
    for (const Domain& dom : fw->domains) {
      for (const Competency& c : dom.competencies) {
        refs.push_back(fw->id + "/" + c.code);
        Data col;
        col.set("code", c.code);
        col.set("title", c.title);
        col.set("url", index_.competency_url(fw->id + "/" + c.code));
        columns.push_back(std::move(col));
      }
    }
    List matrix;
    for (const Portfolio& p : site_.portfolios) {
      std::map<std::string, std::vector<Evidence>> mine = index_.evidence_of(p.slug);
      List cells;
      for (const std::string& ref : refs) {
        int n = static_cast<int>(mine[ref].size());
        Data cell;
        cell.set("count", std::to_string(n));
        cell.set("level", std::to_string(std::min(n, 3)));
        cells.push_back(std::move(cell));
      }
      Data row;
      row.set("name", p.name);
      row.set("url", index_.portfolio_url(p.slug));
      set(row, "cells", std::move(cells));
      matrix.push_back(std::move(row));
    }
    Data m;
    m.set("framework", fw->short_title.empty() ? fw->title : fw->short_title);
    set(m, "columns", std::move(columns));
    set(m, "rows", std::move(matrix));
    set(d, "matrix", std::move(m));
  }
  return tmpl.render("experts", d);
}

std::string PageBuilder::print_page(TemplateSet& tmpl, const Portfolio& p) const {
  Data d = base_data();
  d.set("portfolio", portfolio_summary(p));
  if (!p.bio.text.empty()) d.set("bio", markdown(tmpl, p.bio, false, nullptr, nullptr, "bio-"));
  List entries;
  for (const Entry* e : index_.entries_of(p.slug)) {
    Data ed = entry_summary(*e);
    std::string html = markdown(tmpl, entry_body(*e, diags_), false, nullptr, e, "trace-");
    ed.set("body", prefix_heading_ids(html, "trace-", "trace-" + e->portfolio + "-" + e->slug + "-"));
    if (e->portfolio == p.slug) offer_body(*e, std::move(html));
    ed.set("anchor", "trace-" + e->portfolio + "-" + e->slug);
    List attachments;
    for (const Attachment& a : e->attachments) {
      Data ad;
      ad.set("url", index_.entry_url(*e) + a.file);
      ad.set("file", std::filesystem::path(a.file).filename().string());
      set_opt(ad, "alt", a.alt);
      ad.set("image", a.image);
      ad.set("width", std::to_string(a.width));
      ad.set("height", std::to_string(a.height));
      ad.set("type", ui(theme_, "file_types." + a.type));
      ad.set("size", file_size(a.size));
      attachments.push_back(std::move(ad));
    }
    set(ed, "attachments", std::move(attachments));
    entries.push_back(std::move(ed));
  }
  set(d, "entries", std::move(entries));
  if (experts()) d.set("readiness", readiness_data(p));
  return tmpl.render("print", d);
}

std::string PageBuilder::search_page(TemplateSet& tmpl) const {
  Data d = base_data();
  d.set("available", options_.search);
  return tmpl.render("search", d);
}

std::string PageBuilder::directive(TemplateSet& tmpl, const std::string& name, const std::string& arg,
                                   const SourcePos& pos) const {
  Data d = base_data();
  if (name == "ects-table" || name == "modules-list") {
    List modules;
    for (const Module& m : site_.modules) modules.push_back(module_summary(m));
    set(d, "modules", std::move(modules));
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
    toc.push_back(std::move(item));
  }
  set(d, "toc", std::move(toc));
  set(d, "body", std::move(body));
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
  set(d, "modules", std::move(modules));
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
  set(d, "outcomes", std::move(outcomes));
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
    set(g, "items", std::move(items));
    groups.push_back(std::move(g));
  }
  d.set("has_competencies", !groups.empty());
  set(d, "competency_groups", std::move(groups));
  List tasks;
  for (const Task& t : m.tasks) {
    Data td;
    td.set("id", t.id);
    td.set("title", t.title);
    td.set("kind", ui(theme_, "task_kinds." + t.kind));
    set_opt(td, "description", t.description);
    const auto& done = index_.entries_for_task(m.id, t.id);
    td.set("has_entries", !done.empty());
    td.set("entry_count", std::to_string(done.size()));
    if (done.size() > kEvidenceListLimit) {
      td.set("compact", true);  // counted, not listed: each portfolio lists its own
    } else {
      List entries;
      entries.reserve(done.size());
      for (const Entry* e : done) entries.push_back(entry_brief(*e));
      set(td, "entries", std::move(entries));
    }
    tasks.push_back(std::move(td));
  }
  set(d, "tasks", std::move(tasks));
  d.set("has_tasks", !m.tasks.empty());
  d.set("portfolios_url", index_.portfolios_url());
  const auto& sessions = index_.sessions_of(m.id);
  d.set("sessions", session_list(sessions));
  d.set("has_sessions", !sessions.empty());
  d.set("feed_url", index_.absolute(index_.module_feed_url(m.id)));
  d.set("webcal_url", index_.webcal(index_.module_feed_url(m.id)));
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
  set(d, "levels", std::move(levels));
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
      comps.push_back(std::move(cd));
    }
    set(dd, "competencies", std::move(comps));
    dd.set("has_competencies", !dom.competencies.empty());
    count += dom.competencies.empty() ? 1 : dom.competencies.size();
    domains.push_back(std::move(dd));
  }
  set(d, "domains", std::move(domains));
  d.set("domain_count", std::to_string(fw.domains.size()));
  d.set("competency_count", std::to_string(count));
  return d;
}

std::string PageBuilder::frameworks_index(TemplateSet& tmpl) const {
  Data d = base_data();
  List list;
  for (const Framework& fw : site_.frameworks) list.push_back(framework_data(fw));
  set(d, "frameworks", std::move(list));
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
  set(d, "criteria", std::move(criteria));
  d.set("has_criteria", c && !c->criteria.empty());
  Data parent;
  parent.set("code", dom.code);
  parent.set("title", dom.title);
  set_opt(parent, "summary", dom.description);  // not "description": it would fall back to the page's
  parent.set("url", index_.competency_url(fw.id + "/" + dom.code));
  set(d, "domain", std::move(parent));
  if (!c) {
    List children;
    for (const Competency& child : dom.competencies) children.push_back(competency_item(fw.id + "/" + child.code));
    set(d, "children", std::move(children));
    d.set("has_children", !dom.competencies.empty());
  }
  List modules;
  for (const Module* m : index_.modules_developing(ref)) modules.push_back(module_summary(*m));
  set(d, "modules", std::move(modules));
  d.set("has_modules", !index_.modules_developing(ref).empty());
  // A cohort of twenty lists every entry here; a national cohort would make
  // this page megabytes long, so past a limit it lists the participants
  // with their counts, and each portfolio's coverage table lists the entries.
  size_t count = index_.evidence_for(ref).size();
  bool compact = count > kEvidenceListLimit;
  List evidence = evidence_groups(ref, compact);
  d.set("has_evidence", count > 0);
  d.set("compact", compact);
  d.set("evidence_count", std::to_string(count));
  d.set("participant_count", std::to_string(evidence.size()));
  set(d, "evidence", std::move(evidence));
  auto sessions = index_.sessions_developing(ref);
  d.set("sessions", session_list(sessions));
  d.set("has_sessions", !sessions.empty());
  return tmpl.render("competency", d);
}

std::vector<Job> PageBuilder::jobs() {
  std::vector<Job> jobs;
  const std::string& base = site_.config.base_path;
  auto add = [&](PageMeta meta, std::function<std::string(TemplateSet&)> body, std::vector<std::string> deps = {}) {
    meta.path = path_of(meta.url, base);
    jobs.push_back({std::move(meta), std::move(body), true, std::move(deps)});
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
    std::vector<std::string> deps;
    for (const Task& t : m.tasks) deps.push_back("task:" + m.id + "/" + t.id);
    add({"", index_.module_url(m.id), title, "", "modules", {home_crumb, modules_crumb}, ""},
        [this, i](TemplateSet& t) { return module_page(t, i); }, deps);
  }
  const Crumb calendar_crumb{ui(theme_, "nav.calendar"), index_.calendar_url()};
  add({"", index_.calendar_url(), ui(theme_, "calendar.title") + (site_.programme.cohort.empty() ? "" : " " + site_.programme.cohort),
       ui(theme_, "calendar.authoritative"), "calendar", {home_crumb}, ""},
      [this](TemplateSet& t) { return calendar_page(t); });
  add({"", index_.changes_url(), ui(theme_, "calendar.changes_title"), "", "calendar", {home_crumb, calendar_crumb}, ""},
      [this](TemplateSet& t) { return changes_page(t); });
  for (size_t i = 0; i < site_.sessions.size(); ++i) {
    const Session& s = site_.sessions[i];
    add({"", index_.session_url(s.id), s.title, "", "calendar", {home_crumb, calendar_crumb}, session_json_ld(s)},
        [this, i](TemplateSet& t) { return session_page(t, i); });
  }
  // Feeds: whole files, no layout.
  auto feed = [&](const std::string& url, std::function<std::string(TemplateSet&)> body) {
    Job job{{"", url, "", "", "", {}, ""}, std::move(body), false, {}};
    job.meta.path = url.substr(base.size());
    jobs.push_back(std::move(job));
  };
  std::string calendar_name = site_.programme.short_title.empty() ? site_.config.title : site_.programme.short_title;
  if (!site_.programme.cohort.empty()) calendar_name += " " + site_.programme.cohort;
  std::vector<const Session*> all;
  for (const Session& s : site_.sessions) all.push_back(&s);
  feed(index_.calendar_feed_url(), [this, all, calendar_name](TemplateSet&) {
    return ics_feed(index_, theme_, all, calendar_name, index_.calendar_feed_url());
  });
  for (const Module& m : site_.modules) {
    const auto& list = index_.sessions_of(m.id);
    if (list.empty()) continue;
    std::string name = calendar_name + " – " + (m.number > 0 ? ui(theme_, "module.label") + " " + std::to_string(m.number) : m.title);
    feed(index_.module_feed_url(m.id), [this, &list, name, &m](TemplateSet&) {
      return ics_feed(index_, theme_, list, name, index_.module_feed_url(m.id));
    });
  }
  for (const Session& s : site_.sessions) {
    feed(index_.session_ics_url(s.id), [this, &s, calendar_name](TemplateSet&) {
      return ics_feed(index_, theme_, {&s}, calendar_name + " – " + s.title, index_.session_ics_url(s.id));
    });
  }
  feed(index_.changes_feed_url(), [this](TemplateSet&) { return atom_changes(index_, theme_); });

  const Crumb portfolios_crumb{ui(theme_, "nav.portfolios"), index_.portfolios_url()};
  add({"", index_.portfolios_url(), ui(theme_, "portfolios.title"), ui(theme_, "portfolios.intro"), "portfolios", {home_crumb}, ""},
      [this](TemplateSet& t) { return portfolios_index(t); }, {"portfolios"});
  for (const Portfolio& p : site_.portfolios) {
    add({"", index_.portfolio_url(p.slug), p.name, "", "portfolios", {home_crumb, portfolios_crumb}, ""},
        [this, &p](TemplateSet& t) { return portfolio_page(t, p); }, {"portfolio:" + p.slug});
    Crumb owner{p.name, index_.portfolio_url(p.slug)};
    PageMeta print{"", index_.print_url(p.slug), ui(theme_, "print.title") + " – " + p.name, "", "portfolios",
                   {home_crumb, portfolios_crumb, owner}, ""};
    print.searchable = false;  // the same text as the entry pages
    print.scripts = {index_.asset_url("js/print.js")};
    add(print, [this, &p](TemplateSet& t) { return print_page(t, p); }, {"portfolio:" + p.slug});
    const Crumbs entry_crumbs{home_crumb, portfolios_crumb, owner};
    for (const Entry& e : p.entries) {
      add({"", index_.entry_url(e), e.title, "", "portfolios", entry_crumbs, ""},
          [this, &e](TemplateSet& t) { return entry_page(t, e); }, {"entry:" + p.slug + "/" + e.slug});
    }
  }

  PageMeta search{"", index_.search_url(), ui(theme_, "search.title"), ui(theme_, "search.intro"), "search", {home_crumb}, ""};
  search.searchable = false;
  if (options_.search) {
    search.scripts = {index_.asset_url("pagefind/pagefind-ui.js"), index_.asset_url("js/search.js")};
    search.styles = {index_.asset_url("pagefind/pagefind-ui.css")};
  }
  add(search, [this](TemplateSet& t) { return search_page(t); }, {"search"});
  if (experts()) {
    for (int f = 0; f < 3; ++f) {
      PageMeta meta{"", index_.experts_url(f), ui(theme_, "experts.title"), "", "experts", {home_crumb}, ""};
      meta.scripts = {index_.asset_url("js/tables.js")};
      add(meta, [this, f](TemplateSet& t) { return experts_page(t, f); }, {"portfolios"});
    }
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
          [this, &fw, &dom](TemplateSet& t) { return competency_page(t, fw, dom, nullptr); },
          {"competency:" + fw.id + "/" + dom.code});
      Crumb dom_crumb{dom.code + " " + dom.title, index_.competency_url(fw.id + "/" + dom.code)};
      for (const Competency& c : dom.competencies) {
        add({"", index_.competency_url(fw.id + "/" + c.code), c.code + " " + c.title, "", "frameworks",
             {home_crumb, frameworks_crumb, fw_crumb, dom_crumb}, ""},
            [this, &fw, &dom, &c](TemplateSet& t) { return competency_page(t, fw, dom, &c); },
            {"competency:" + fw.id + "/" + c.code});
      }
    }
  }
  return jobs;
}

}  // namespace

RenderStats render_site(const Index& index, const Theme& theme, OutputSink& sink, Diagnostics& diags,
                        const RenderOptions& options) {
  PageBuilder builder(index, theme, diags, options);
  unsigned threads = options.threads;
  std::vector<Job> all = builder.jobs();
  std::vector<Job*> jobs;
  for (Job& job : all) {
    if (!options.only) {
      jobs.push_back(&job);
    } else if (std::any_of(job.deps.begin(), job.deps.end(), [&](const std::string& k) { return options.only->count(k); })) {
      jobs.push_back(&job);
    }
  }
  if (options.only) {
    // The edited entry's own page first: it is the one its author looks at.
    std::stable_partition(jobs.begin(), jobs.end(), [](const Job* j) {
      return !j->deps.empty() && j->deps[0].rfind("entry:", 0) == 0;
    });
  }

  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, std::max<size_t>(1, jobs.size()));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    TemplateSet tmpl(theme);
    for (size_t i = next++; i < jobs.size(); i = next++) {
      const Job& job = *jobs[i];
      std::string body = job.body(tmpl);
      sink.write(job.meta.path, job.is_page ? builder.layout(tmpl, job.meta, body) : body);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  std::vector<std::string> urls;
  for (const Job& job : all) {
    if (job.is_page) urls.push_back(job.meta.url);
  }
  size_t pages = std::count_if(jobs.begin(), jobs.end(), [](const Job* j) { return j->is_page; });
  const Site& site = index.site();
  bool experts = site.audience == Visibility::Experts;
  if (options.only) {
    // An incremental pass: the pages above, the sitemap (an entry may have
    // come or gone) and the changed entries' attachments.
    sink.write("sitemap.xml", sitemap_xml(index, experts ? std::vector<std::string>{} : urls));
    size_t copied = 0;
    for (const Portfolio& p : site.portfolios) {
      for (const Entry& e : p.entries) {
        if (!options.only->count("entry:" + p.slug + "/" + e.slug)) continue;
        for (const Attachment& a : e.attachments) {
          sink.copy_file(index.entry_url(e).substr(site.config.base_path.size()) + a.file, a.source_path);
          ++copied;
        }
      }
    }
    return {pages, jobs.size() + 1 + copied};
  }
  // The experts' site is never indexed: no sitemap entries, robots say no.
  sink.write("sitemap.xml", sitemap_xml(index, experts ? std::vector<std::string>{} : urls));
  TemplateSet files(theme);
  Data config;
  config.set("sitemap", index.absolute(index.asset_url("sitemap.xml")));
  config.set("experts", experts);
  config.set("root", site.config.base_path);
  config.set("htpasswd", site.config.experts_htpasswd);
  config.set("realm", site.config.title);
  sink.write("robots.txt", files.render("file-robots", config));
  if (experts) {
    // Access control for the experts' site: Apache reads .htaccess; the nginx
    // snippet is included from the server block (README, "Experts' site").
    sink.write(".htaccess", files.render("file-htaccess", config));
    sink.write("nginx-experts.conf", files.render("file-nginx", config));
  }
  sink.write("api/catalogue.json", catalogue_json(index));
  for (const std::string& file : theme.static_files) sink.copy_file(file, theme.dir + "/static/" + file);
  size_t attachments = 0;
  for (const Portfolio& p : index.site().portfolios) {
    for (const Entry& e : p.entries) {
      for (const Attachment& a : e.attachments) {
        sink.copy_file(index.entry_url(e).substr(index.site().config.base_path.size()) + a.file, a.source_path);
        ++attachments;
      }
    }
  }

  RenderStats stats;
  stats.pages = pages;
  stats.files = jobs.size() + 3 + (experts ? 2 : 0) + theme.static_files.size() + attachments;
  return stats;
}

}  // namespace cartable
