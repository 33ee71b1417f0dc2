#include "calendar/event.h"

#include <algorithm>
#include <cstdio>

#include "calendar/ics.h"

namespace cartable {

std::string site_host(const SiteConfig& config) {
  std::string host = config.base_url;
  if (auto scheme = host.find("://"); scheme != std::string::npos) host = host.substr(scheme + 3);
  return host.substr(0, host.find('/'));
}

std::string session_location(const Site& site, const Session& s) {
  const Place* p = site.find_place(s.place.id);
  if (!p) return s.place.id;
  if (p->online || p->address.empty()) return p->name;
  return p->name + ", " + p->address;
}

std::string session_speakers(const Site& site, const Session& s) {
  std::string out;
  for (const Ref& r : s.speakers) {
    const Person* p = site.find_person(r.id);
    if (!p) continue;
    if (!out.empty()) out += "; ";
    out += p->name;
    std::string roles;
    for (const auto& role : p->roles) roles += (roles.empty() ? "" : ", ") + role;
    if (!roles.empty()) out += " (" + roles + ")";
  }
  return out;
}

std::string session_page_url(const SiteConfig& config, const std::string& id) {
  return config.base_url + config.urls.sessions + "/" + id + "/";  // as Index::session_url
}

std::optional<LocalTime> newest_change(const Session& s) {
  std::optional<LocalTime> newest;
  for (const HistoryEntry& h : s.history) {
    if (!newest || *newest < h.date) newest = h.date;
  }
  return newest;
}

namespace {

std::string description_of(const Site& site, const Session& s, const EventWords& words, const std::string& speakers,
                           const std::string& url) {
  std::string description;
  if (const Module* m = site.find_module(s.module.id)) {
    description = m->number > 0 ? words.module_label + " " + std::to_string(m->number) + " – " + m->title : m->title;
  }
  if (!s.description.empty()) description += "\n" + s.description;
  if (!speakers.empty()) description += "\n" + words.speakers_label + " : " + speakers;
  // By date, so the order the entries were typed in never shows.
  std::vector<const HistoryEntry*> history;
  for (const HistoryEntry& h : s.history) history.push_back(&h);
  std::stable_sort(history.begin(), history.end(), [](auto* a, auto* b) { return a->date < b->date; });
  for (const HistoryEntry* h : history) {
    char date[16];
    std::snprintf(date, sizeof date, "%02d.%02d.%04d", h->date.day, h->date.month, h->date.year);
    description += "\n" + words.changed_label + " " + date + " : " + h->note;
  }
  return description + "\n" + url;
}

}  // namespace

EventFacts event_facts(const Site& site, const Session& s, const EventWords& words) {
  EventFacts f;
  f.uid = s.id + "@" + site_host(site.config);
  f.dtstart = site.config.timezone + ":" + format_local_basic(s.start);
  f.dtend = site.config.timezone + ":" + format_local_basic(s.end);
  f.location = session_location(site, s);
  bool cancelled = s.status == SessionStatus::Cancelled, tentative = s.status == SessionStatus::Tentative;
  f.status = cancelled ? "CANCELLED" : tentative ? "TENTATIVE" : "CONFIRMED";
  f.transp = cancelled ? "TRANSPARENT" : "OPAQUE";
  f.summary = (cancelled ? words.cancelled_prefix : tentative ? words.tentative_prefix : "") + s.title;
  f.speakers = session_speakers(site, s);
  f.url = session_page_url(site.config, s.id);
  f.description = description_of(site, s, words, f.speakers, f.url);
  const Module* m = site.find_module(s.module.id);
  f.categories = ics_escape_text(site.programme.short_title.empty() ? site.config.title : site.programme.short_title);
  if (m && m->number > 0) f.categories += "," + ics_escape_text(words.module_label + " " + std::to_string(m->number));
  f.sequence = static_cast<int>(s.history.size());
  auto tz = TimeZone::find(site.config.timezone);
  std::optional<LocalTime> newest = newest_change(s);
  if (tz && newest) f.last_modified = tz->to_utc(*newest);  // the date's local midnight
  if (tz) f.dtstamp = newest ? f.last_modified : tz->to_utc(site.calendar.created);
  return f;
}

}  // namespace cartable
