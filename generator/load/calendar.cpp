// Loading the calendar: its settings in site.yaml, sessions with their
// history of moves, and the certification's dates.
#include "load/loader.h"

namespace cartable::loading {

void Loader::load_calendar_config(const YAML::Node& node, const YamlSource& src) {
  Fields f(node, src, diags, term("calendar"));
  CalendarConfig& c = site.calendar;
  c.pos = f.pos();
  if (f.has("created")) parse_local_time(f.str("created"), true, c.created, f.pos_of("created"), diags);
  if (f.has("refresh")) c.refresh = f.str("refresh");
  YAML::Node period = f.node("period");
  if (period.IsDefined()) {
    Fields p(period, src, diags, term("calendar period"));
    c.has_period = parse_local_time(p.str("start", true), true, c.period_start, p.pos_of("start"), diags) &&
                   parse_local_time(p.str("end", true), true, c.period_end, p.pos_of("end"), diags);
    c.period_end.hour = 23;
    c.period_end.minute = 59;
  }
}

void Loader::load_certification() {
  YamlSource src;
  fs::path rel = "content/certification.yaml";
  if (!exists(rel)) return;
  auto root = read_yaml_file(rel, src);
  if (!root) return;
  Fields f(*root, src, diags, term("certification.yaml"));
  if (!f.ok()) return;
  CertificationRules& c = site.certification;
  c.present = true;
  c.pos = f.pos();
  c.max_absence_percent = f.number("max_absence_percent").value_or(20);
  for (auto& [id, pos] : f.str_list_pos("task_modules")) c.task_modules.push_back({id, pos});
  c.portfolio_task = {f.str("portfolio_task"), f.pos_of("portfolio_task")};
  YAML::Node labels = f.node("labels");
  if (labels.IsMap()) {
    for (const auto& kv : labels) c.labels[kv.first.Scalar()] = kv.second.Scalar();
  }
}

// `from:` of a history entry: the former start/end and/or place.
FormerSlot Loader::load_former_slot(const YAML::Node& node, YamlSource& src, const SourcePos& pos) {
  FormerSlot slot;
  slot.pos = pos;
  Fields ff(node, src, diags, term("history 'from'"));
  if (!ff.ok()) return slot;
  if (ff.has("start") || ff.has("end")) {
    bool ok = parse_local_time(ff.str("start", true), false, slot.start, ff.pos_of("start"), diags);
    ok = parse_local_time(ff.str("end", true), false, slot.end, ff.pos_of("end"), diags) && ok;
    slot.has_time = ok;
  }
  if (ff.has("place")) slot.place = {ff.str("place"), ff.pos_of("place")};
  return slot;
}

void Loader::load_session(Fields& f, YamlSource& src) {
  Session s;
  s.pos = f.pos();
  s.id = f.str("id", true);
  s.module = {f.str("module", true), f.pos_of("module")};
  s.title = f.str("title", true);
  s.description = f.str("description");
  s.start_pos = f.pos_of("start");
  s.end_pos = f.pos_of("end");
  bool ok = parse_local_time(f.str("start", true), false, s.start, s.start_pos, diags);
  ok = parse_local_time(f.str("end", true), false, s.end, s.end_pos, diags) && ok;
  s.place = {f.str("place", true), f.pos_of("place")};
  for (auto& [id, pos] : f.str_list_pos("speakers")) s.speakers.push_back({id, pos});
  std::string status = f.has("status") ? f.str("status") : session_status_name(SessionStatus::Confirmed);
  s.status_pos = f.pos_of("status");
  s.parallel = f.boolean("parallel");
  if (!parse_session_status(status, s.status)) {
    diags.error(s.status_pos, tr("unknown session status '{1}'", status),
                hint_or(did_you_mean(status, session_status_names()), tr("write confirmed, tentative or cancelled")));
  }
  f.for_each_item(
      "history", term("history entry"),
      [&](Fields& hf) {
        HistoryEntry e;
        e.pos = hf.pos();
        e.date_pos = hf.pos_of("date");
        parse_local_time(hf.str("date", true), true, e.date, e.date_pos, diags);
        e.note = hf.str("note", true);
        if (hf.has("from")) e.from = load_former_slot(hf.node("from"), src, hf.pos_of("from"));
        s.history.push_back(std::move(e));
      },
      {tr("session: 'history' must be a list of dated notes"),
       tr("write each change on a line starting with '- date:', then 'note:' below, indented")});
  if (ok) site.sessions.push_back(std::move(s));
}

void Loader::load_sessions() {
  YamlSource src;
  fs::path rel = "content/calendar.yaml";
  if (!exists(rel)) return;
  auto root = read_yaml_file(rel, src);
  if (!root) return;
  Fields top(*root, src, diags, term("calendar.yaml"));
  top.for_each_item(
      "sessions", term("session"), [&](Fields& f) { load_session(f, src); },
      {tr("calendar.yaml: 'sessions' must be a list of sessions"),
       tr("write each session on a line starting with '- id:', then its other fields below, indented")},
      Presence::Required);
  std::stable_sort(site.sessions.begin(), site.sessions.end(),
                   [](const Session& a, const Session& b) {
                     // By id on ties, so the order in the file never shows in the output.
                     return a.start != b.start ? a.start < b.start : a.id < b.id;
                   });
}

}  // namespace cartable::loading
