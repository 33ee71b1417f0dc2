// The calendar feeds: iCalendar (RFC 5545, with RFC 7986 properties) written
// line by line through calendar/ics.h, and an Atom feed of the changes.
#include <algorithm>
#include <cstdlib>

#include "base/text.h"
#include "calendar/event.h"
#include "calendar/ics.h"
#include "calendar/timezone.h"
#include "render/render.h"

namespace cartable {

namespace {

std::string speaker_line(const Site& site, const Session& s) {
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

}  // namespace

UtcSeconds feed_timestamp(const Site& site) {
  // Reproducible builds (reproducible-builds.org): the caller's clock, if
  // given, else the newest date the sources contain.
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
    char* end = nullptr;
    long long v = std::strtoll(epoch, &end, 10);
    if (end && *end == '\0' && end != epoch) return v;
  }
  auto tz = TimeZone::find(site.config.timezone);
  LocalTime newest = site.calendar.created;
  for (const Session& s : site.sessions) {
    for (const HistoryEntry& h : s.history) newest = std::max(newest, h.date);
  }
  if (newest.year == 0 || !tz) return 0;
  return tz->to_utc(newest);  // the date's local midnight
}

std::string session_modified(const Site& site, const Session& s) {
  auto tz = TimeZone::find(site.config.timezone);
  if (s.history.empty() || !tz) return {};
  LocalTime newest = s.history[0].date;
  for (const HistoryEntry& h : s.history) newest = std::max(newest, h.date);
  return format_utc_basic(tz->to_utc(newest));
}

std::string ics_feed(const Index& index, const Theme& theme, const std::vector<const Session*>& sessions,
                     const std::string& name, const std::string& feed_url) {
  const Site& site = index.site();
  auto tz = TimeZone::find(site.config.timezone);
  IcsWriter w;
  w.raw("BEGIN", "VCALENDAR");
  w.raw("VERSION", "2.0");
  w.text("PRODID", "-//" + site.config.institution.name + "//cartable//FR");
  w.raw("CALSCALE", "GREGORIAN");
  w.raw("METHOD", "PUBLISH");
  w.text("NAME", name);
  w.text("X-WR-CALNAME", name);
  w.raw("X-WR-TIMEZONE", site.config.timezone);
  w.raw("REFRESH-INTERVAL;VALUE=DURATION", site.calendar.refresh);
  w.raw("X-PUBLISHED-TTL", site.calendar.refresh);
  w.raw("SOURCE;VALUE=URI", index.absolute(feed_url));
  w.raw("URL;VALUE=URI", index.absolute(index.calendar_url()));

  if (tz && !sessions.empty()) {
    int first = sessions.front()->start.year, last = sessions.front()->end.year;
    for (const Session* s : sessions) {
      first = std::min(first, s->start.year);
      last = std::max(last, s->end.year);
    }
    w.raw("BEGIN", "VTIMEZONE");
    w.raw("TZID", site.config.timezone);
    w.raw("X-LIC-LOCATION", site.config.timezone);
    auto offset = [](int seconds) {
      char buf[16];
      int a = seconds < 0 ? -seconds : seconds;
      std::snprintf(buf, sizeof buf, "%c%02d%02d", seconds < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
      return std::string(buf);
    };
    for (const Observance& o : tz->observances(first, last)) {
      const char* kind = o.daylight ? "DAYLIGHT" : "STANDARD";
      w.raw("BEGIN", kind);
      w.raw("DTSTART", format_local_basic(o.onset));
      w.raw("TZOFFSETFROM", offset(o.offset_from));
      w.raw("TZOFFSETTO", offset(o.offset_to));
      w.text("TZNAME", o.name);
      w.raw("END", kind);
    }
    w.raw("END", "VTIMEZONE");
  }

  std::string stamp = format_utc_basic(feed_timestamp(site));
  for (const Session* s : sessions) {
    EventFacts f = event_facts(site, *s);
    const Module* m = site.find_module(s->module.id);
    w.raw("BEGIN", "VEVENT");
    w.raw("UID", f.uid);
    w.raw("DTSTAMP", stamp);
    std::string modified = session_modified(site, *s);
    if (!modified.empty()) w.raw("LAST-MODIFIED", modified);
    w.raw("SEQUENCE", std::to_string(f.sequence));
    w.raw("STATUS", f.status);
    w.text("SUMMARY", s->title);
    w.raw("DTSTART;TZID=" + site.config.timezone, format_local_basic(s->start));
    w.raw("DTEND;TZID=" + site.config.timezone, format_local_basic(s->end));
    w.text("LOCATION", f.location);
    std::string description;
    if (m) {
      description = m->number > 0 ? ui(theme, "module.label") + " " + std::to_string(m->number) + " – " + m->title : m->title;
    }
    if (!s->description.empty()) description += "\n" + s->description;
    std::string speakers = speaker_line(site, *s);
    if (!speakers.empty()) description += "\n" + ui(theme, "calendar.speakers") + " : " + speakers;
    for (const HistoryEntry& h : s->history) {
      char date[16];
      std::snprintf(date, sizeof date, "%02d.%02d.%04d", h.date.day, h.date.month, h.date.year);
      description += "\n" + ui(theme, "calendar.changed") + " " + date + " : " + h.note;
    }
    description += "\n" + index.absolute(index.session_url(s->id));
    w.text("DESCRIPTION", description);
    w.raw("URL;VALUE=URI", index.absolute(index.session_url(s->id)));
    std::string categories = ics_escape_text(site.programme.short_title.empty() ? site.config.title : site.programme.short_title);
    if (m && m->number > 0) categories += "," + ics_escape_text(ui(theme, "module.label") + " " + std::to_string(m->number));
    w.raw("CATEGORIES", categories);
    w.raw("TRANSP", "OPAQUE");
    w.raw("END", "VEVENT");
  }
  w.raw("END", "VCALENDAR");
  return w.str();
}

// XML text and attributes need the same five escapes as HTML.
const auto& xml_escape = html_escape;

std::string atom_changes(const Index& index, const Theme& theme) {
  const Site& site = index.site();
  auto tz = TimeZone::find(site.config.timezone);
  struct Change {
    const Session* session;
    const HistoryEntry* entry;
    size_t number;
  };
  std::vector<Change> changes;
  for (const Session& s : site.sessions) {
    for (size_t i = 0; i < s.history.size(); ++i) changes.push_back({&s, &s.history[i], i + 1});
  }
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    return b.entry->date < a.entry->date;  // newest first
  });
  auto iso = [&](const LocalTime& t) { return tz ? format_iso_offset(t, tz->offset_at(t)) : std::string(); };
  std::string updated = changes.empty() ? iso(site.calendar.created) : iso(changes.front().entry->date);
  std::string host = site_host(site.config);
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"" + xml_escape(site.config.language) + "\">\n";
  out += "  <title>" + xml_escape(ui(theme, "calendar.changes_title") + " · " + site.config.title) + "</title>\n";
  out += "  <id>" + xml_escape(index.absolute(index.changes_url())) + "</id>\n";
  out += "  <link rel=\"self\" href=\"" + xml_escape(index.absolute(index.changes_feed_url())) + "\"/>\n";
  out += "  <link rel=\"alternate\" type=\"text/html\" href=\"" + xml_escape(index.absolute(index.changes_url())) + "\"/>\n";
  out += "  <updated>" + updated + "</updated>\n";
  out += "  <author><name>" + xml_escape(site.config.institution.name) + "</name></author>\n";
  for (const Change& c : changes) {
    char day[16];
    std::snprintf(day, sizeof day, "%04d-%02d-%02d", c.entry->date.year, c.entry->date.month, c.entry->date.day);
    out += "  <entry>\n";
    out += "    <title>" + xml_escape(c.session->title) + "</title>\n";
    out += "    <id>tag:" + xml_escape(host) + "," + day + ":" + xml_escape(c.session->id) + "/" + std::to_string(c.number) + "</id>\n";
    out += "    <link href=\"" + xml_escape(index.absolute(index.session_url(c.session->id))) + "\"/>\n";
    out += "    <updated>" + iso(c.entry->date) + "</updated>\n";
    out += "    <summary>" + xml_escape(c.entry->note) + "</summary>\n";
    out += "  </entry>\n";
  }
  out += "</feed>\n";
  return out;
}

}  // namespace cartable
