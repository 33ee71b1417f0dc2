// The route table: every page and feed of the site as a job, with its URL, breadcrumbs and what it shows.
#include "render/page_builder.h"

namespace cartable::pages {

// At least as many as jobs() makes: growing the vector moved 550,000 jobs
// at a time, a tenth of a one-entry rebuild at 500,000 entries.
size_t PageBuilder::expected_jobs() const {
  size_t n = 64 + site_.pages.size() + 2 * site_.modules.size() + 2 * site_.sessions.size() + 3 * site_.portfolios.size();
  for (const Portfolio& p : site_.portfolios) n += p.entries.size();
  for (const Framework& fw : site_.frameworks) {
    n += 1 + fw.domains.size();
    for (const Domain& dom : fw.domains) n += dom.competencies.size();
  }
  return n;
}

std::vector<Job> PageBuilder::jobs() {
  std::vector<Job> jobs;
  jobs.reserve(expected_jobs());
  const std::string& base = site_.config.base_path;
  // A page's title and JSON-LD are read here, from the item its body shows
  // (and so records, index/deps.h): they need no keys of their own.
  auto add = [&](PageMeta meta, std::function<std::string(TemplateSet&)> body) {
    meta.path = path_of(meta.url, base);
    jobs.push_back({std::move(meta), std::move(body), true});
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
    Job job{{"", url, "", "", "", {}, ""}, std::move(body), false};
    job.meta.path = url.substr(base.size());
    jobs.push_back(std::move(job));
  };
  std::string calendar_name = site_.programme.short_title.empty() ? site_.config.title : site_.programme.short_title;
  if (!site_.programme.cohort.empty()) calendar_name += " " + site_.programme.cohort;
  std::vector<const Session*> all;
  for (const Session& s : site_.sessions) all.push_back(&s);
  // A feed's events show their sessions and their modules (calendar/event.h).
  auto record_events = [](const std::vector<const Session*>& sessions) {
    for (const Session* s : sessions) {
      record_dep("session", s->id);
      record_dep("module", s->module.id);
    }
  };
  feed(index_.calendar_feed_url(), [this, all, calendar_name, record_events](TemplateSet&) {
    record_dep("sessions");
    record_events(all);
    return ics_feed(index_, theme_, all, calendar_name, index_.calendar_feed_url());
  });
  for (const Module& m : site_.modules) {
    const auto& list = index_.sessions_of(m.id);
    if (list.empty()) continue;
    std::string name = calendar_name + " – " + (m.number > 0 ? ui(theme_, "module.label") + " " + std::to_string(m.number) : m.title);
    feed(index_.module_feed_url(m.id), [this, name, &m, record_events](TemplateSet&) {
      const auto& list = index_.sessions_of(m.id);
      record_dep("module", m.id);  // the feed's name
      record_events(list);
      return ics_feed(index_, theme_, list, name, index_.module_feed_url(m.id));
    });
  }
  for (const Session& s : site_.sessions) {
    feed(index_.session_ics_url(s.id), [this, &s, calendar_name, record_events](TemplateSet&) {
      record_events({&s});
      return ics_feed(index_, theme_, {&s}, calendar_name + " – " + s.title, index_.session_ics_url(s.id));
    });
  }
  feed(index_.changes_feed_url(), [this](TemplateSet&) {
    record_dep("sessions");  // every change of every session
    return atom_changes(index_, theme_);
  });

  const Crumb portfolios_crumb{ui(theme_, "nav.portfolios"), index_.portfolios_url()};
  add({"", index_.portfolios_url(), ui(theme_, "portfolios.title"), ui(theme_, "portfolios.intro"), "portfolios", {home_crumb}, ""},
      [this](TemplateSet& t) { return portfolios_index(t); });
  for (const Portfolio& p : site_.portfolios) {
    add({"", index_.portfolio_url(p.slug), p.name, "", "portfolios", {home_crumb, portfolios_crumb}, ""},
        [this, &p](TemplateSet& t) { return portfolio_page(t, p); });
    Crumb owner{p.name, index_.portfolio_url(p.slug)};
    PageMeta print{"", index_.print_url(p.slug), ui(theme_, "print.title") + " – " + p.name, "", "portfolios",
                   {home_crumb, portfolios_crumb, owner}, ""};
    print.searchable = false;  // the same text as the entry pages
    print.scripts = {index_.asset_url("js/print.js")};
    add(print, [this, &p](TemplateSet& t) { return print_page(t, p); });
    jobs.back().lead = 2 * p.entries.size() + 2;  // the previous portfolio's pages
    const Crumbs entry_crumbs{home_crumb, portfolios_crumb, owner};
    for (const Entry& e : p.entries) {
      Job job{{}, [this, &e](TemplateSet& t) { return entry_page(t, e); }, true};
      job.meta.url = index_.entry_url(e);
      job.meta.path = path_of(job.meta.url, base);
      job.complete = [&e, entry_crumbs](PageMeta& meta) {
        meta.title = e.title;
        meta.section = "portfolios";
        meta.crumbs = entry_crumbs;
      };
      jobs.push_back(std::move(job));
    }
  }

  PageMeta search{"", index_.search_url(), ui(theme_, "search.title"), ui(theme_, "search.intro"), "search", {home_crumb}, ""};
  search.searchable = false;
  if (options_.search) {
    search.scripts = {index_.asset_url("pagefind/pagefind-ui.js"), index_.asset_url("js/search.js")};
    search.styles = {index_.asset_url("pagefind/pagefind-ui.css")};
  }
  add(search, [this](TemplateSet& t) { return search_page(t); });
  if (experts()) {
    for (int f = 0; f < 3; ++f) {
      PageMeta meta{"", index_.experts_url(f), ui(theme_, "experts.title"), "", "experts", {home_crumb}, ""};
      meta.scripts = {index_.asset_url("js/tables.js")};
      add(meta, [this, f](TemplateSet& t) { return experts_page(t, f); });
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

}  // namespace cartable::pages
