// The experts' pages: readiness per participant and the cohort overview.
#include "render/page_builder.h"

namespace cartable::pages {

List PageBuilder::assessments_data(TemplateSet& tmpl, const Entry& e) const {
  List out;
  EntryProgress ep = entry_validation(index_, e);
  for (const Assessment* a : ep.history) {
    Data ad;
    ad.set("state", std::string(assessment_status_name(a->status)));
    ad.set("state_label", ui(theme_, std::string("task_states.") + assessment_status_name(a->status)));
    const Person* who = site_.find_person(a->assessor.id);
    ad.set("assessor", who ? who->name : a->assessor.id);
    ad.set("date", date_label(a->date));
    ad.set("feedback", a->feedback.text.empty() ? Data(false) : Data(markdown(tmpl, a->feedback, false, nullptr, nullptr, "retour-")));
    ad.set("fingerprint", a->fingerprint);
    ad.set("latest", a == ep.assessment);
    ad.set("changed", a == ep.assessment && ep.changed);
    out.push_back(std::move(ad));
  }
  return out;
}

Data PageBuilder::defence_form() const {
  // No grid: nothing to show (an empty object would still open the section).
  const Framework* fw = configured_framework(site_, site_.config.certification_grid);
  if (!fw) return Data(false);
  Data form;
  record_dep("framework", fw->id);
  List phases;
  for (const Domain& dom : fw->domains) {
    Data phase;
    phase.set("title", dom.title);
    List items;
    for (const Competency& c : dom.competencies) {
      Data item;
      item.set("title", c.title);
      List criteria;
      for (const std::string& text : c.criteria) {
        Data cd;
        cd.set("text", text);
        criteria.push_back(std::move(cd));
      }
      set(item, "criteria", std::move(criteria));
      items.push_back(std::move(item));
    }
    set(phase, "items", std::move(items));
    phases.push_back(std::move(phase));
  }
  form.set("framework", fw->title);
  form.set("url", index_.framework_url(fw->id));
  set(form, "phases", std::move(phases));
  return form;
}

// « 7 h 45 »: a training time, in the theme's words.
std::string PageBuilder::duration_label(long minutes) const {
  std::string text = std::to_string(minutes / 60) + " " + ui(theme_, "experts.hours_short");
  if (minutes % 60) text += " " + std::string(minutes % 60 < 10 ? "0" : "") + std::to_string(minutes % 60);
  return text;
}

Data PageBuilder::validation_data(const EntryProgress& ep) const {
  Data d;
  d.set("state", std::string(task_state_name(ep.state)));
  d.set("state_label", ui(theme_, std::string("task_states.") + task_state_name(ep.state)));
  d.set("changed", ep.changed && ep.assessment && ep.assessment->status == AssessmentStatus::Acquired);
  d.set("coauthor_unconfirmed", ep.coauthored && !ep.coauthor_agreed);
  return d;
}

Data PageBuilder::readiness_data(const Portfolio& p, bool* ready) const {
  Readiness r = readiness(index_, p, today_);
  record_dep("sessions");  // attendance counts the time of every session
  if (ready) *ready = r.ready;
  const auto& labels = site_.certification.labels;
  auto label = [&](const char* id) {
    auto it = labels.find(id);
    return it == labels.end() ? std::string(id) : it->second;
  };
  Data d;
  d.set("ready", r.ready);
  d.set("ready_for_defence", r.ready_for_defence);
  List conditions;
  auto condition = [&](const char* id, bool met, const std::string& detail) {
    Data c;
    c.set("id", std::string(id));
    c.set("label", label(id));
    set(c, "met", std::move(met));
    set_opt(c, "detail", detail);
    conditions.push_back(std::move(c));
  };
  char percent[32];
  std::snprintf(percent, sizeof percent, "%.1f", r.absence_percent);
  std::string pct = percent;
  std::replace(pct.begin(), pct.end(), '.', ',');
  std::string attendance;
  if (!r.has_record) {
    attendance = ui(theme_, "experts.missing_data");
    pct = ui(theme_, "experts.missing_data");
  } else {
    attendance = duration_label(r.missed_minutes) + " " + ui(theme_, "experts.attendance_detail") + " " +
                 duration_label(r.total_minutes) + " (" + pct + " %, " + ui(theme_, "experts.limit") + " " +
                 format_number_fr(site_.certification.max_absence_percent) + " %)";
    if (r.unjustified_absences > 0) {
      attendance += ", " + std::to_string(r.unjustified_absences) + " " + ui(theme_, "experts.unjustified");
    }
  }
  condition("attendance", r.attendance_ok, attendance);
  d.set("missing_data", !r.has_record);
  List missed;
  for (const MissedSession& m : r.missed) {
    Data md;
    md.set("date", date_label(m.session->start));
    md.set("title", m.session->title);
    md.set("url", index_.session_url(m.session->id));
    md.set("duration", duration_label(m.minutes));
    md.set("justified", m.justified);
    missed.push_back(std::move(md));
  }
  d.set("has_missed", !missed.empty());
  set(d, "missed", std::move(missed));
  d.set("missed_time", duration_label(r.missed_minutes));
  d.set("total_time", duration_label(r.total_minutes));
  int acquired = 0, module_tasks = 0;
  List tasks;
  for (const TaskProgress& tp : r.tasks) {
    record_dep("module", tp.module->id);
    Data t;
    t.set("module", tp.module->number > 0 ? ui(theme_, "module.label") + " " + std::to_string(tp.module->number) : tp.module->title);
    t.set("module_url", index_.module_url(tp.module->id));
    t.set("task", tp.task->title);
    t.set("task_url", index_.task_url(tp.module->id, tp.task->id));
    t.set("state", std::string(task_state_name(tp.state)));
    t.set("state_label", ui(theme_, std::string("task_states.") + task_state_name(tp.state)));
    t.set("done", tp.state == TaskState::Acquired);
    List entries;
    for (const EntryProgress& ep : tp.entries) {
      Data ed = validation_data(ep);
      ed.set("title", ep.entry->title);
      ed.set("url", index_.entry_url(*ep.entry));
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
  List courses;
  std::string carte;
  for (const ModuleAlaCarte& mc : r.a_la_carte) {
    if (!carte.empty()) carte += "; ";
    carte += std::to_string(mc.confirmed_periods) + "/" + std::to_string(mc.required_periods) + " " +
             ui(theme_, "experts.confirmed_periods");
    for (const CourseProgress& cp : mc.courses) {
      Data cd;
      cd.set("title", cp.course->title);
      cd.set("date", date_label(cp.course->date));
      cd.set("periods", std::to_string(cp.periods));
      cd.set("confirmed", cp.confirmed);
      cd.set("attestation", std::filesystem::path(cp.course->attestation.file).filename().string());
      set_opt(cd, "attestation_url", cp.course->attestation.source_path.empty() ? ""
          : index_.portfolio_url(p.slug) + "attestations/" + url_path_escape(cp.course->attestation.file));
      courses.push_back(std::move(cd));
    }
  }
  if (!r.a_la_carte.empty()) condition("a_la_carte", r.a_la_carte_ok, carte);
  d.set("has_courses", !courses.empty());
  set(d, "courses", std::move(courses));
  condition("portfolio", r.portfolio_ok, "");
  List timeline;
  for (const Entry* e : r.timeline) {
    Data ed = entry_brief(*e);
    record_dep("module", e->module.id);
    const Module* m = site_.find_module(e->module.id);
    set_opt(ed, "module_label", !m ? "" : m->number > 0 ? ui(theme_, "module.label") + " " + std::to_string(m->number) : m->title);
    timeline.push_back(std::move(ed));
  }
  set(d, "timeline", std::move(timeline));
  std::string defence;
  if (r.defence_state != DefenceState::None) {
    defence = date_label(r.defence);
    if (r.defence.hour || r.defence.minute) defence += ", " + time_label(r.defence, r.defence).substr(0, 5);
    std::string state = r.defence_state == DefenceState::Held ? std::string("defence_") + defence_outcome_name(r.defence_outcome) : "defence_planned";
    defence += " (" + ui(theme_, "experts." + state) + ")";
  }
  condition("defence", r.defence_ok, defence.empty() ? ui(theme_, "experts.no_defence") : defence);
  set(d, "conditions", std::move(conditions));
  set(d, "tasks", std::move(tasks));
  d.set("acquired", std::to_string(acquired));
  d.set("module_tasks", std::to_string(module_tasks));
  set(d, "absence_percent", std::move(pct));
  d.set("absences", std::to_string(r.justified_absences + r.unjustified_absences));
  d.set("defence", defence.empty() ? ui(theme_, "experts.no_defence") : defence);
  d.set("defence_iso", "");
  if (r.defence_state != DefenceState::None) {
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
  record_dep("portfolios");
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
  d.set("csv_url", index_.experts_url() + "certification.csv");
  set(d, "rows", std::move(rows));
  List headers;
  for (const Ref& ref : site_.certification.task_modules) {
    record_dep("module", ref.id);
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
  d.set("matrix", false);
  const Framework* fw = configured_framework(site_, site_.config.coverage_framework);
  if (fw && filter == 0) {
    record_dep("framework", fw->id);
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

}  // namespace cartable::pages
