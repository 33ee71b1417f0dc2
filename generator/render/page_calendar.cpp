// The calendar: sessions by month, one page per session, the changes page, a session's JSON-LD.
#include "render/page_builder.h"

namespace cartable::pages {

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
  record_dep("session", s.id);
  Data d;
  d.set("id", s.id);
  d.set("url", index_.session_url(s.id));
  d.set("title", s.title);
  set_opt(d, "description", s.description);
  d.set("cancelled", s.status == SessionStatus::Cancelled);
  d.set("tentative", s.status == SessionStatus::Tentative);
  d.set("status_label", ui(theme_, std::string("calendar.status_") + session_status_name(s.status)));
  d.set("date_label", date_label(s.start));
  d.set("time_label", time_label(s.start, s.end));
  d.set("start_iso", tz_ ? format_iso_offset(s.start, tz_->offset_at(s.start)) : "");
  d.set("end_iso", tz_ ? format_iso_offset(s.end, tz_->offset_at(s.end)) : "");
  const Place* p = site_.find_place(s.place.id);
  d.set("place_short", !p ? "" : p->short_name.empty() ? p->name : p->short_name);
  d.set("place_name", p ? p->name : "");
  set_opt(d, "place_address", p ? p->address : "");
  d.set("online", p && p->online);
  const Module* m = site_.find_module(s.module.id);
  d.set("module", m ? module_summary(*m) : Data(false));
  List speakers;
  for (const Ref& r : s.speakers) {
    const Person* person = site_.find_person(r.id);
    if (!person) continue;
    Data sp;
    sp.set("name", person->name);
    std::string roles;
    for (const auto& role : person->roles) roles += (roles.empty() ? "" : ", ") + role;
    set_opt(sp, "roles", roles);
    speakers.push_back(std::move(sp));
  }
  d.set("has_speakers", !speakers.empty());
  set(d, "speakers", std::move(speakers));
  d.set("ics_url", index_.session_ics_url(s.id));
  // « Déplacée du … au … », from the history's `from:` (newest first).
  std::vector<Move> moves = session_moves(site_, theme_, s);
  d.set("moved", !moves.empty());
  set_opt(d, "latest_move", moves.empty() ? "" : moves.front().text);
  List history;
  for (size_t i = 0; i < s.history.size(); ++i) {
    const HistoryEntry& h = s.history[i];
    Data hd;
    hd.set("move", false);
    for (const Move& move : moves) {
      if (move.entry == i) hd.set("move", move.text);
    }
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
  record_dep("sessions");
  set_opt(d, "cohort", site_.programme.cohort);
  Subscription sub = subscription_links(index_, index_.calendar_feed_url(), site_.config.title);
  d.set("feed_url", sub.https);
  d.set("webcal_url", sub.webcal);
  d.set("google_url", sub.google);
  d.set("outlook_url", sub.outlook);
  d.set("refresh_label", refresh_label(theme_, site_.calendar.refresh));
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
    Subscription sub = subscription_links(index_, index_.module_feed_url(m.id), m.title);
    f.set("feed_url", sub.https);
    f.set("webcal_url", sub.webcal);
    f.set("google_url", sub.google);
    f.set("outlook_url", sub.outlook);
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
  d.set("subscribe_url", index_.calendar_url() + "#abonnement");
  const auto& siblings = index_.sessions_of(s.module.id);
  auto it = std::find(siblings.begin(), siblings.end(), &s);
  bool found = it != siblings.end();
  d.set("prev", found && it != siblings.begin() ? session_data(**(it - 1)) : Data(false));
  d.set("next", found && it + 1 != siblings.end() ? session_data(**(it + 1)) : Data(false));
  return tmpl.render("session", d);
}

std::string PageBuilder::changes_page(TemplateSet& tmpl) const {
  Data d = base_data();
  record_dep("sessions");
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
    item.set("change_move", false);  // set, so strict templates know it on a site without moves
    for (const Move& m : session_moves(site_, theme_, *c.s)) {
      if (&c.s->history[m.entry] == c.h) item.set("change_move", m.text);
    }
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
  j["eventStatus"] = s.status == SessionStatus::Cancelled ? "https://schema.org/EventCancelled" : "https://schema.org/EventScheduled";
  std::vector<Move> moves = session_moves(site_, theme_, s);
  if (s.status != SessionStatus::Cancelled && tz_ && !moves.empty() && moves.back().from_start != s.start) {
    // schema.org: a rescheduled event keeps its former start (the first one).
    j["eventStatus"] = "https://schema.org/EventRescheduled";
    j["previousStartDate"] = format_iso_offset(moves.back().from_start, tz_->offset_at(moves.back().from_start));
  }
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

}  // namespace cartable::pages
