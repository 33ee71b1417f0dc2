// Competency frameworks: their index, one page per framework and per domain or competency, with evidence.
#include "render/page_builder.h"

namespace cartable::pages {

Data PageBuilder::competency_item(const std::string& ref) const {
  Data d;
  const CompetencyLocation* loc = site_.find_competency(ref);
  if (!loc) return d;
  const Framework& fw = site_.frameworks[loc->framework];
  record_dep("framework", fw.id);
  d.set("ref", ref);
  d.set("url", index_.competency_url(ref));
  d.set("code", competency_code(site_, *loc));
  d.set("title", competency_title(site_, *loc));
  d.set("framework", fw.short_title.empty() ? fw.title : fw.short_title);
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

Data PageBuilder::framework_data(const Framework& fw) const {
  record_dep("framework", fw.id);
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
  d.set("ref", ref);  // as participants write it in an entry's `competencies:`
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
  }
  d.set("has_children", !c && !dom.competencies.empty());
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

}  // namespace cartable::pages
