// The modules: their index and one page per module.
#include "render/page_builder.h"

namespace cartable::pages {

Data PageBuilder::module_summary(const Module& m) const {
  record_dep("module", m.id);
  Data d;
  d.set("id", m.id);
  d.set("url", index_.module_url(m.id));
  d.set("is_module", m.kind == ModuleKind::Module);
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

Data PageBuilder::totals_data() const {
  record_dep("totals");
  Totals t = compute_totals(site_);
  Data d;
  d.set("ects", format_number_fr(t.ects));
  d.set("periods", std::to_string(t.periods));
  d.set("hours", std::to_string(t.self_study_hours));
  return d;
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
    td.set("anchor", index_.task_anchor(t.id));
    td.set("title", t.title);
    td.set("kind", ui(theme_, "task_kinds." + t.kind));
    set_opt(td, "description", t.description);
    const auto& done = index_.entries_for_task(m.id, t.id);
    td.set("has_entries", !done.empty());
    td.set("entry_count", std::to_string(done.size()));
    set_draft_count(td, done);
    if (done.size() > kEvidenceListLimit) {
      td.set("compact", true);  // counted, not listed: each portfolio lists its own
    } else {
      td.set("compact", false);
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
  Subscription sub = subscription_links(index_, index_.module_feed_url(m.id), m.title);
  d.set("feed_url", sub.https);
  d.set("webcal_url", sub.webcal);
  d.set("google_url", sub.google);
  d.set("outlook_url", sub.outlook);
  d.set("prev", i > 0 ? module_summary(site_.modules[i - 1]) : Data(false));
  d.set("next", i + 1 < site_.modules.size() ? module_summary(site_.modules[i + 1]) : Data(false));
  return tmpl.render("module", d);
}

}  // namespace cartable::pages
