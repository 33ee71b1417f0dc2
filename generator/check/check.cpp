#include "check/check.h"
#include "load/hep_records.h"
#include "model/near_miss.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>

#include "base/text.h"
#include "calendar/event.h"
#include "calendar/ics.h"
#include "calendar/timezone.h"

namespace cartable {

namespace {

template <typename T, typename IdOf>
void check_unique(const std::vector<T>& items, IdOf id_of, const Term& what, Diagnostics& diags) {
  std::map<std::string, const T*> seen;
  for (const T& item : items) {
    const std::string& id = id_of(item);
    if (id.empty()) continue;
    auto [it, inserted] = seen.emplace(id, &item);
    if (!inserted) {
      const SourcePos& first = it->second->pos;
      diags.error(item.pos, tr("duplicate {1} id '{2}'", what, id),
                  tr("first defined at {1}:{2}; give each its own id", first.path, first.line));
    }
  }
}

void check_competency_refs(const Site& site, const std::vector<Ref>& refs, Diagnostics& diags) {
  for (const Ref& ref : refs) {
    if (site.find_competency(ref.id)) continue;
    auto slash = ref.id.find('/');
    if (slash == std::string::npos) {
      diags.error(ref.pos, tr("competency reference '{1}' has no framework", ref.id),
                  hint_or(competency_hint(site, ref.id), tr("write <framework>/<code>, e.g. rc-num-so/3.1")));
      continue;
    }
    std::string fw = ref.id.substr(0, slash);
    if (!site.find_framework(fw)) {
      std::vector<std::string> ids;
      for (const auto& f : site.frameworks) ids.push_back(f.id);
      Text hint = competency_hint(site, ref.id);
      if (hint.empty()) hint = did_you_mean(fw, ids);
      diags.error(ref.pos, tr("unknown framework '{1}' in competency reference '{2}'", fw, ref.id),
                  hint_or(hint, tr("the frameworks are: {1}", join_ids(ids))));
      continue;
    }
    diags.error(ref.pos, tr("unknown competency '{1}'", ref.id),
                hint_or(competency_hint(site, ref.id), tr("copy the reference from the framework's page on the site")));
  }
}

// A framework id typed in site.yaml (coverage_framework, certification_grid)
// must name one: a typo would silently hide the heat map or the defence
// form. The defaults (no position) may name nothing.
void check_configured_framework(const Site& site, const char* key, const Ref& ref, Diagnostics& diags) {
  if (ref.pos.line == 0 || ref.id.empty() || site.find_framework(ref.id)) return;
  std::vector<std::string> ids;
  for (const auto& f : site.frameworks) ids.push_back(f.id);
  diags.error(ref.pos, tr("site.yaml: {1} names no framework: '{2}'", key, ref.id),
              hint_or(did_you_mean(ref.id, ids), tr("the frameworks are: {1}; an empty value shows none", join_ids(ids))));
}

void compare_total(const Site& site, const char* key, double sum, const Term& what, Diagnostics& diags) {
  auto it = site.programme.declared_totals.find(key);
  if (it == site.programme.declared_totals.end()) return;
  if (std::fabs(it->second.value - sum) < 1e-9) return;
  diags.warning(it->second.pos,
                tr("declared total of {1} ({2}) differs from the sum over the modules ({3})", what,
                   format_number_fr(it->second.value), format_number_fr(sum)),
                tr("the pages show the computed sum; correct the declared total or the modules"));
}

void check_module(const Site& site, const Module& m, Diagnostics& diags) {
  check_competency_refs(site, m.competencies, diags);
  check_unique(m.tasks, [](const Task& t) -> const std::string& { return t.id; }, term("task"), diags);
  if (m.elective_periods > 0 && m.a_la_carte_min_periods > 0 && m.elective_periods != m.a_la_carte_min_periods) {
    auto pos = m.field_pos.at_or("a_la_carte_min_periods", m.pos);
    diags.warning(pos,
                  tr("module {1}: the ECTS table counts {2} elective periods but the detailed programme asks for a "
                     "minimum of {3}",
                     m.id, m.elective_periods, m.a_la_carte_min_periods),
                  tr("both figures are shown as printed; make them agree if one is a mistake"));
  }
  if (m.elective_periods > m.periods) {
    diags.error(m.field_pos.at_or("elective_periods", m.pos),
                tr("module {1}: more elective periods ({2}) than periods in all ({3})", m.id, m.elective_periods, m.periods),
                tr("correct one of the two figures"));
  }
}

std::string show(const LocalTime& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
  return buf;
}

// "20270313T090000" -> LocalTime.
bool parse_basic(const std::string& v, LocalTime& t) {
  return std::sscanf(v.c_str(), "%4d%2d%2dT%2d%2d", &t.year, &t.month, &t.day, &t.hour, &t.minute) == 5;
}

void check_dst(const TimeZone& tz, const LocalTime& t, const SourcePos& pos, Diagnostics& diags) {
  switch (tz.classify(t)) {
    case LocalKind::Nonexistent:
      diags.error(pos, tr("{1} does not exist in {2}: the clocks skip that hour (daylight saving time)", show(t), tz.name()),
                  tr("choose a time outside the skipped hour"));
      break;
    case LocalKind::Ambiguous:
      diags.error(pos, tr("{1} happens twice in {2}: the clocks go back that night", show(t), tz.name()),
                  tr("choose a time outside the repeated hour"));
      break;
    case LocalKind::Unique: break;
  }
}

void check_session_refs(const Site& site, const Session& s, Diagnostics& diags) {
  if (!s.module.id.empty() && !site.find_module(s.module.id)) {
    diags.error(s.module.pos, tr("unknown module '{1}'", s.module.id), module_hint(site, s.module.id));
  }
  if (!s.place.id.empty() && !site.find_place(s.place.id)) {
    diags.error(s.place.pos, tr("unknown place '{1}'", s.place.id),
                hint_or(did_you_mean(s.place.id, site.place_ids()), tr("places are listed in content/places.yaml")));
  }
  for (const Ref& p : s.speakers) {
    if (!site.find_person(p.id)) {
      diags.error(p.pos, tr("unknown person '{1}'", p.id),
                  hint_or(did_you_mean(p.id, site.person_ids()), tr("people are listed in content/people.yaml")));
    }
  }
}

std::string show_day(const LocalTime& t) { return show(t).substr(0, 10); }

// The date a history entry may not pass: the build's today (timezone.h).
LocalTime reference_date(const TimeZone* tz) { return build_today(tz); }

void check_history(const Site& site, const Session& s, const LocalTime& reference, Diagnostics& diags) {
  const CalendarConfig& c = site.calendar;
  for (const HistoryEntry& h : s.history) {
    const std::string day = show_day(h.date);
    if (c.has_period && c.period_end < LocalTime{h.date.year, h.date.month, h.date.day, 0, 0}) {
      diags.error(h.date_pos,
                  tr("history entry of session {1} is dated {2}, after the end of the programme's period ({3})", s.id, day,
                     show_day(c.period_end)),
                  tr("a change is dated the day it was made: check the year"));
    } else if (LocalTime{h.date.year, h.date.month, h.date.day, 0, 0} < c.created && c.created.year > 0) {
      diags.error(h.date_pos,
                  tr("history entry of session {1} is dated {2}, before the calendar was first published ({3})", s.id, day,
                     show_day(c.created)),
                  tr("calendar.created in site.yaml is the first publication; check the year"));
    } else if (reference < h.date) {
      diags.error(h.date_pos,
                  tr("history entry of session {1} is dated {2}, after the build's reference date ({3})", s.id, day,
                     show_day(reference)),
                  tr("a change is dated the day it was made; SOURCE_DATE_EPOCH, when set, is the reference date"));
    }
    if (h.from && !h.from->place.id.empty() && !site.find_place(h.from->place.id)) {
      diags.error(h.from->place.pos, tr("unknown place '{1}'", h.from->place.id),
                  hint_or(did_you_mean(h.from->place.id, site.place_ids()), tr("places are listed in content/places.yaml")));
    }
    if (h.from && h.from->has_time && !(h.from->start < h.from->end)) {
      diags.error(h.from->pos, tr("history entry of session {1}: its former end is not after its former start", s.id),
                  tr("write the session's former start and end as they were"));
    }
  }
}

void check_session_times(const Site& site, const TimeZone* tz, const Session& s, Diagnostics& diags) {
  if (s.end == s.start) {
    diags.error(s.end_pos, tr("session {1} ends when it starts ({2})", s.id, show(s.start)),
                tr("give it an end time after its start"));
  } else if (s.end < s.start) {
    diags.error(s.end_pos, tr("session {1} ends ({2}) before it starts ({3})", s.id, show(s.end), show(s.start)),
                tr("check the day and the hour of its end"));
  }
  const CalendarConfig& c = site.calendar;
  if (c.has_period && (s.start < c.period_start || c.period_end < s.end)) {
    bool late = !(s.start < c.period_start);
    diags.error(late ? s.end_pos : s.start_pos,
                late ? tr("session {1} ends ({2}) after the programme's period", s.id, show(s.end))
                     : tr("session {1} starts ({2}) before the programme's period", s.id, show(s.start)),
                tr("the period is {1} to {2} (site.yaml, calendar.period)", show_day(c.period_start), show_day(c.period_end)));
  }
  if (tz) {
    check_dst(*tz, s.start, s.start_pos, diags);
    check_dst(*tz, s.end, s.end_pos, diags);
  }
}

// One cohort attends every base session, so two may never overlap, wherever
// they are; sessions marked `parallel` (options to choose from) may overlap
// each other, but never share a room. Sessions are sorted by start.
void check_overlaps(const Site& site, Diagnostics& diags) {
  for (size_t i = 0; i < site.sessions.size(); ++i) {
    const Session& a = site.sessions[i];
    if (a.status == SessionStatus::Cancelled) continue;
    const Place* place = site.find_place(a.place.id);
    for (size_t j = i + 1; j < site.sessions.size() && site.sessions[j].start < a.end; ++j) {
      const Session& b = site.sessions[j];
      if (b.status == SessionStatus::Cancelled) continue;
      const std::string from = show(a.start), to = show(a.end).substr(11);
      if (b.place.id == a.place.id && place && !place->online) {
        diags.error(b.start_pos, tr("session {1} overlaps {2} at {3} ({4} to {5})", b.id, a.id, place->short_name, from, to),
                    tr("move one of them, or cancel one"));
      } else if (!a.parallel || !b.parallel) {
        diags.error(b.start_pos,
                    tr("session {1} overlaps {2} ({3} to {4}): the cohort attends every base session", b.id, a.id, from, to),
                    tr("move one of them; if participants choose between them, mark both with parallel: true"));
      }
    }
  }
}

void check_calendar(const Site& site, Diagnostics& diags) {
  check_unique(site.sessions, [](const Session& s) -> const std::string& { return s.id; }, term("session"), diags);
  auto tz = TimeZone::find(site.config.timezone);
  if (!tz) {
    diags.error(site.config.pos, tr("unknown time zone '{1}'", site.config.timezone),
                tr("write a tz database name such as Europe/Zurich"));
  }
  LocalTime reference = reference_date(tz ? &*tz : nullptr);
  const std::string& refresh = site.calendar.refresh;
  int amount = 0;
  char unit = 0, rest = 0;
  bool duration = (std::sscanf(refresh.c_str(), "PT%d%c%c", &amount, &unit, &rest) == 2 && (unit == 'H' || unit == 'M')) ||
                  (std::sscanf(refresh.c_str(), "P%d%c%c", &amount, &unit, &rest) == 2 && unit == 'D');
  if (!duration || amount <= 0) {
    diags.error(site.calendar.pos, tr("calendar.refresh '{1}' is not a duration in hours, minutes or days", refresh),
                tr("write e.g. PT12H (12 hours), PT30M or P1D: calendar clients read it as REFRESH-INTERVAL"));
  }
  for (const Session& s : site.sessions) {
    if (s.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      diags.error(s.pos, tr("session id '{1}' may only use a-z, 0-9 and '-'", s.id),
                  tr("it becomes a URL and an event UID, e.g. {1}", slugify(s.id)));
    }
    check_session_refs(site, s, diags);
    check_session_times(site, tz ? &*tz : nullptr, s, diags);
    check_history(site, s, reference, diags);
    if (s.status == SessionStatus::Cancelled && s.history.empty()) {
      diags.error(s.status_pos, tr("session {1} is cancelled but its history says nothing", s.id),
                  tr("add a history entry (date and note): it tells participants, on the pages and in the changes feed"));
    }
  }
  check_overlaps(site, diags);
}

const std::vector<std::string> kEntryKinds = {"digital-production", "session-description", "resource-collection",
                                              "reflexive-text", "oral-defence"};

SourcePos field(const Entry& e, const char* key) {
  return e.field_pos.at_or(key, e.pos);
}

void check_entry(const Site& site, const Portfolio& p, const Entry& e, Diagnostics& diags) {
  if (e.slug == site.config.urls.print) {
    diags.error({e.file, 1, 1}, tr("an entry cannot be named {1}.md: that is the URL of the portfolio's print view", e.slug),
                tr("rename the file"));
  }
  const Module* m = e.module.id.empty() ? nullptr : site.find_module(e.module.id);
  if (!e.module.id.empty() && !m) {
    diags.error(e.module.pos, tr("unknown module '{1}'", e.module.id),
                hint_or(module_hint(site, e.module.id), tr("the modules are: {1}", join_ids(site.module_ids()))));
  }
  if (m && !e.task.id.empty() && std::none_of(m->tasks.begin(), m->tasks.end(), [&](const Task& t) { return t.id == e.task.id; })) {
    std::vector<std::string> ids;
    for (const Task& t : m->tasks) ids.push_back(t.id);
    std::string all;
    for (const auto& id : ids) all += (all.empty() ? "" : ", ") + id;
    Text hint = did_you_mean(e.task.id, ids);
    diags.error(e.task.pos, tr("module {1} has no task '{2}'", m->id, e.task.id),
                hint.empty() ? tr("its tasks are: {1}", all) : hint);
  }
  if (!e.kind.empty() && std::find(kEntryKinds.begin(), kEntryKinds.end(), e.kind) == kEntryKinds.end()) {
    diags.error(field(e, "kind"), tr("unknown kind of entry '{1}'", e.kind),
                hint_or(did_you_mean(e.kind, kEntryKinds), tr("write one of: {1}", join_ids(kEntryKinds))));
  }
  if (e.status == "acquired" || e.status == "not-acquired") {
    // Mahara's SmartEvidence lets only staff set « meets »: a decision a
    // participant writes would count as a trainer's.
    diags.error(field(e, "status"), tr("a participant's entry cannot say it is {1}", e.status),
                tr("trainers validate entries in the HEP's assessments (content/assessments/, `cartable assess`): "
                   "remove this line, or write status: submitted"));
  } else if (!e.status.empty() && e.status != "submitted") {
    diags.error(field(e, "status"), tr("unknown status '{1}'", e.status), tr("write status: submitted, or remove the line"));
  }
  if (e.competencies.empty() && e.field_pos.has("competencies")) {
    diags.error(field(e, "competencies"), tr("entry evidences no competency"), tr("list at least one, e.g. rc-num-so/3.1"));
  }
  check_competency_refs(site, e.competencies, diags);
  for (const Ref& c : e.coauthors) {
    if (c.id == p.slug) {
      diags.error(c.pos, tr("'{1}' is the author of this entry, not a coauthor", c.id),
                  tr("remove your own name from coauthors:"));
    } else if (!site.find_portfolio(c.id)) {
      if (!site.config.catalogue.empty()) {
        // A portfolio-only repository holds one portfolio: coauthors live elsewhere.
        diags.warning(c.pos, tr("coauthor '{1}' has no portfolio in this repository: shown without a link", c.id),
                      tr("nothing to do if the spelling is right: their portfolio lives in another repository"));
      } else {
        diags.error(c.pos, tr("unknown coauthor '{1}': no portfolio has this slug", c.id),
                    hint_or(did_you_mean(c.id, site.portfolio_slugs()),
                            tr("copy it from the address of their portfolio: /portfolios/<slug>/")));
      }
    }
  }
}

// Drafts are left out of every published site: say so, once per
// portfolio, so that a build never skips an entry without a word.
void report_drafts(const Portfolio& p, Diagnostics& diags) {
  std::vector<std::string> names;
  const Entry* first = nullptr;
  for (const Entry& e : p.entries) {
    if (!e.draft) continue;
    names.push_back(e.slug + ".md");
    if (!first) first = &e;
  }
  if (!first) return;
  diags.warning(field(*first, "draft"),
                trn("{1} draft not published: {2}", "{1} drafts not published: {2}", static_cast<long long>(names.size()),
                    names.size(), join_ids(names)),
                tr("remove the line draft: true from an entry when it is ready to be published"));
}

void check_certification(const Site& site, Diagnostics& diags) {
  const CertificationRules& c = site.certification;
  for (const Ref& m : c.task_modules) {
    if (!site.find_module(m.id)) diags.error(m.pos, tr("unknown module '{1}'", m.id), module_hint(site, m.id));
  }
  if (!c.portfolio_task.id.empty()) {
    auto slash = c.portfolio_task.id.find('/');
    const Module* m = slash == std::string::npos ? nullptr : site.find_module(c.portfolio_task.id.substr(0, slash));
    bool found = m && std::any_of(m->tasks.begin(), m->tasks.end(),
                                  [&](const Task& t) { return t.id == c.portfolio_task.id.substr(slash + 1); });
    if (!found) {
      diags.error(c.portfolio_task.pos, tr("unknown task '{1}'", c.portfolio_task.id),
                  tr("write <module>/<task>, e.g. travail-certificatif/portfolio"));
    }
  }
  check_unique(site.records, [](const ParticipantRecord& r) -> const std::string& { return r.participant.id; },
               term("participant record"), diags);
  for (const ParticipantRecord& r : site.records) {
    if (!site.find_portfolio(r.participant.id)) {
      diags.error(r.participant.pos, tr("unknown participant '{1}': no portfolio has this slug", r.participant.id),
                  hint_or(did_you_mean(r.participant.id, site.portfolio_slugs()),
                          tr("write the participant's portfolio folder name")));
    }
    std::set<std::string> seen;
    for (const Absence& a : r.absences) {
      if (!site.find_session(a.session.id)) {
        diags.error(a.session.pos, tr("unknown session '{1}'", a.session.id),
                    hint_or(did_you_mean(a.session.id, site.session_ids()), tr("sessions are listed in content/calendar.yaml")));
      } else if (!seen.insert(a.session.id).second) {
        diags.error(a.session.pos, tr("absence from session {1} is recorded twice", a.session.id), tr("keep only one"));
      }
    }
  }
}

void check_portfolios(const Site& site, Diagnostics& diags) {
  check_unique(site.portfolios, [](const Portfolio& p) -> const std::string& { return p.slug; }, term("portfolio"), diags);
  for (const Crosswalk& c : site.crosswalks) {
    for (const auto& [from, to] : c.pairs) {
      check_competency_refs(site, {from}, diags);
      check_competency_refs(site, to, diags);
    }
  }
  for (const Portfolio& p : site.portfolios) {
    for (const Entry& e : p.entries) check_entry(site, p, e, diags);
    report_drafts(p, diags);
  }
}

}  // namespace

namespace {

std::string session_id_of(const IcsEvent& e, const std::string& suffix) {
  if (e.uid.size() <= suffix.size() || e.uid.compare(e.uid.size() - suffix.size(), suffix.size(), suffix) != 0) return {};
  return e.uid.substr(0, e.uid.size() - suffix.size());
}

// The line of a published description that lists the speakers.
std::string speakers_in(const std::string& description, const std::string& label) {
  std::string prefix = label + " : ";
  size_t at = description.rfind("\n" + prefix);
  if (at == std::string::npos) return {};
  at += 1 + prefix.size();
  return description.substr(at, description.find('\n', at) - at);
}

std::vector<std::string> differences(const EventFacts& now, const IcsEvent& old, const EventWords& words) {
  std::vector<std::string> changes;
  auto add = [&](const Term& what) { changes.push_back(what.english); };
  if (now.dtstart != old.dtstart || now.dtend != old.dtend) add(term("time"));
  if (now.location != old.location) add(term("place"));
  if (now.status != old.status) add(term("status"));
  if (now.summary != old.summary) add(term("title"));
  bool speakers = now.speakers != speakers_in(old.description, words.speakers_label);
  if (speakers) add(term("speakers"));
  if (!speakers && now.description != old.description) add(term("description"));
  if (now.url != old.url) add(term("URL"));
  return changes;
}

// A published event whose id is gone, and a new session at its time or
// with its title: the id was changed.
const Session* renamed_to(const Site& site, const IcsEvent& old, const std::set<std::string>& published,
                          const EventWords& words) {
  for (const Session& s : site.sessions) {
    if (published.count(s.id)) continue;
    EventFacts f = event_facts(site, s, words);
    if ((f.dtstart == old.dtstart && f.dtend == old.dtend) || f.summary == old.summary) return &s;
  }
  return nullptr;
}

}  // namespace

void check_against_previous_feed(const Site& site, const EventWords& words, const std::string& ics,
                                 const std::string& path, Diagnostics& diags) {
  std::vector<IcsEvent> previous = parse_ics_events(ics);
  if (previous.empty()) {
    diags.error({path, 0, 0}, tr("no events in this feed"), tr("pass the calendrier.ics that subscribers received"));
    return;
  }
  std::string suffix = "@" + site_host(site.config);
  std::set<std::string> published;
  for (const IcsEvent& old : previous) published.insert(session_id_of(old, suffix));
  for (const IcsEvent& old : previous) {
    std::string id = session_id_of(old, suffix);
    if (id.empty()) continue;
    const Session* s = site.find_session(id);
    if (!s) {
      if (const Session* renamed = renamed_to(site, old, published, words)) {
        diags.error(renamed->pos, tr("session {1} was published as {2}: its id changed", renamed->id, id),
                    tr("give it back the id {1}: the id makes the event's UID, and a new one shows the session twice "
                       "in calendars that imported it",
                       id));
        continue;
      }
      diags.warning({path, 0, 0}, tr("session {1} was published but is no longer in content/calendar.yaml", id),
                    tr("subscribers' calendars drop it without a word: restore it with status: cancelled and a history entry"));
      continue;
    }
    EventFacts now = event_facts(site, *s, words);
    std::vector<std::string> changes = differences(now, old, words);
    if (changes.empty() || now.sequence > old.sequence) continue;
    std::string what;
    for (const auto& c : changes) what += (what.empty() ? "" : ", ") + c;
    diags.error(s->pos, tr("session {1} changed ({2}) since the published feed, without a new history entry", id, Term(what)),
                tr("add a history entry (date and note): it raises SEQUENCE, which copies imported from the .ics files "
                   "need to update, and tells participants on the changes page"));
  }
}

void fill_history_from_previous(Site& site, const std::string& ics, Diagnostics& diags) {
  std::string suffix = "@" + site_host(site.config);
  for (const IcsEvent& old : parse_ics_events(ics)) {
    std::string id = session_id_of(old, suffix);
    Session* s = nullptr;
    for (Session& candidate : site.sessions) {
      if (candidate.id == id) s = &candidate;
    }
    if (!s || s->history.empty() || static_cast<int>(s->history.size()) <= old.sequence) continue;
    HistoryEntry* newest = &s->history.front();
    for (HistoryEntry& h : s->history) {
      if (newest->date < h.date) newest = &h;
    }
    if (newest->from) continue;
    std::string tz = site.config.timezone + ":";
    FormerSlot slot;
    slot.filled = true;
    slot.pos = newest->pos;
    LocalTime start, end;
    if (old.dtstart.rfind(tz, 0) == 0 && old.dtend.rfind(tz, 0) == 0 && parse_basic(old.dtstart.substr(tz.size()), start) &&
        parse_basic(old.dtend.substr(tz.size()), end) && (start != s->start || end != s->end)) {
      slot.has_time = true;
      slot.start = start;
      slot.end = end;
    }
    for (const Place& p : site.places) {
      std::string location = p.online || p.address.empty() ? p.name : p.name + ", " + p.address;
      if (location == old.location && p.id != s->place.id) slot.place = {p.id, newest->pos};
    }
    if (!slot.has_time && slot.place.id.empty()) continue;
    std::string yaml = "from: {";
    if (slot.has_time) yaml += "start: " + show(slot.start) + ", end: " + show(slot.end);
    if (!slot.place.id.empty()) yaml += std::string(slot.has_time ? ", " : "") + "place: " + slot.place.id;
    yaml += "}";
    diags.warning(newest->pos, tr("session {1} moved since the published feed: the pages say where it was", s->id),
                  tr("to keep saying it in later builds, add to this history entry: {1}", yaml));
    newest->from = slot;
  }
}

void check_site(const Site& site, Diagnostics& diags) {
  check_configured_framework(site, "coverage_framework", site.config.coverage_framework, diags);
  check_configured_framework(site, "certification_grid", site.config.certification_grid, diags);
  if (!site.config.catalogue.empty()) {
    // A portfolio-only repository: the programme is the HEP's catalogue,
    // checked where it is written. Its warnings would only be blamed on
    // catalogue.json:1:1, which the participant cannot change.
    check_portfolios(site, diags);
    check_hep_records(site, diags);
    return;
  }
  check_unique(site.modules, [](const Module& m) -> const std::string& { return m.id; }, term("module"), diags);
  check_unique(site.places, [](const Place& p) -> const std::string& { return p.id; }, term("place"), diags);
  check_unique(site.people, [](const Person& p) -> const std::string& { return p.id; }, term("person"), diags);
  check_unique(site.frameworks, [](const Framework& f) -> const std::string& { return f.id; }, term("framework"), diags);
  for (const Framework& fw : site.frameworks) {
    std::vector<Competency> all;  // domains and competencies share one code space
    for (const Domain& d : fw.domains) {
      all.push_back({d.code, d.title, "", {}, d.pos});
      for (const Competency& c : d.competencies) all.push_back(c);
    }
    check_unique(all, [](const Competency& c) -> const std::string& { return c.code; }, term("competency"), diags);
  }
  std::map<int, const Module*> numbers;
  for (const Module& m : site.modules) {
    if (m.number > 0 && !numbers.emplace(m.number, &m).second) {
      diags.error(m.field_pos.at_or("number", m.pos), tr("two modules have number {1}", m.number),
                  tr("the other is {1}", numbers[m.number]->id));
    }
    check_module(site, m, diags);
  }
  check_calendar(site, diags);
  check_portfolios(site, diags);
  check_certification(site, diags);
  check_hep_records(site, diags);
  Totals totals = compute_totals(site);
  compare_total(site, "ects", totals.ects, term("ECTS credits"), diags);
  compare_total(site, "periods", totals.periods, term("periods"), diags);
  compare_total(site, "self_study_hours", totals.self_study_hours, term("individual work hours"), diags);
}

}  // namespace cartable
