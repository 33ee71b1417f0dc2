// The calendar feeds: iCalendar (RFC 5545, with RFC 7986 properties) written
// line by line through calendar/ics.h, and an Atom feed of the changes.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "base/text.h"
#include "calendar/event.h"
#include "calendar/ics.h"
#include "calendar/timezone.h"
#include "render/render.h"

namespace cartable {

EventWords event_words(const Theme& theme) {
  EventWords w;
  w.module_label = ui(theme, "module.label");
  w.speakers_label = ui(theme, "calendar.speakers");
  w.changed_label = ui(theme, "calendar.changed");
  w.cancelled_prefix = ui(theme, "calendar.cancelled_prefix");
  w.tentative_prefix = ui(theme, "calendar.tentative_prefix");
  return w;
}

std::string slot_label(const Site& site, const Theme& theme, const LocalTime& start, const LocalTime& end,
                       const std::string& place_id) {
  const std::string& h = ui(theme, "calendar.hour_sep");
  char a[16], b[16];
  std::snprintf(a, sizeof a, "%02d%s%02d", start.hour, h.c_str(), start.minute);
  std::snprintf(b, sizeof b, "%02d%s%02d", end.hour, h.c_str(), end.minute);
  std::string label = ui(theme, "weekdays." + std::to_string(weekday(start))) + " " + std::to_string(start.day) + " " +
                      ui(theme, "months." + std::to_string(start.month)) + " " + std::to_string(start.year) + ", " + a +
                      ui(theme, "calendar.range_sep") + b;
  const Place* p = site.find_place(place_id);
  std::string place = p ? (p->short_name.empty() ? p->name : p->short_name) : place_id;
  return place.empty() ? label : label + " (" + place + ")";
}

namespace {

std::string percent_encode(const std::string& s) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

Subscription subscription_links(const Index& index, const std::string& feed_url, const std::string& name) {
  Subscription s;
  s.https = index.absolute(feed_url);
  s.webcal = index.webcal(feed_url);
  // Google Agenda's web and Android apps ignore webcal:// links; its
  // « add by URL » page takes the feed as cid. Outlook on the web likewise.
  s.google = "https://calendar.google.com/calendar/render?cid=" + percent_encode(s.webcal);
  s.outlook = "https://outlook.live.com/calendar/0/addfromweb?url=" + percent_encode(s.https) + "&name=" + percent_encode(name);
  return s;
}

std::string refresh_label(const Theme& theme, const std::string& duration) {
  int n = 0;
  char unit = 0;
  if (std::sscanf(duration.c_str(), "PT%d%c", &n, &unit) == 2 && (unit == 'H' || unit == 'M')) {
    return std::to_string(n) + " " + ui(theme, unit == 'H' ? "calendar.refresh_hours" : "calendar.refresh_minutes");
  }
  if (std::sscanf(duration.c_str(), "P%d%c", &n, &unit) == 2 && unit == 'D') {
    return std::to_string(n) + " " + ui(theme, "calendar.refresh_days");
  }
  return duration;
}

std::vector<Move> session_moves(const Site& site, const Theme& theme, const Session& s) {
  // Walk back from where the session is now: each `from:` says where it was
  // before that change, and so where the previous move led.
  std::vector<size_t> order(s.history.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s.history[b].date < s.history[a].date; });
  LocalTime start = s.start, end = s.end;
  std::string place = s.place.id;
  std::vector<Move> moves;
  for (size_t i : order) {
    const HistoryEntry& h = s.history[i];
    if (!h.from) continue;
    Move m;
    m.entry = i;
    m.to = slot_label(site, theme, start, end, place);
    if (h.from->has_time) start = h.from->start, end = h.from->end;
    if (!h.from->place.id.empty()) place = h.from->place.id;
    m.from = slot_label(site, theme, start, end, place);
    m.from_start = start;
    m.text = ui(theme, "calendar.moved_from") + " " + m.from + " " + ui(theme, "calendar.moved_to") + " " + m.to;
    moves.push_back(std::move(m));
  }
  return moves;
}

std::string ics_feed(const Index& index, const Theme& theme, const std::vector<const Session*>& sessions,
                     const std::string& name, const std::string& feed_url) {
  const Site& site = index.site();
  auto tz = TimeZone::find(site.config.timezone);
  // A session's own file is a one-time copy to import: calendar-level
  // properties (NAME, X-WR-CALNAME, REFRESH-INTERVAL) would make Outlook
  // create a new calendar for every download.
  bool one_time_copy = sessions.size() == 1 && feed_url == index.session_ics_url(sessions.front()->id);
  IcsWriter w;
  w.raw("BEGIN", "VCALENDAR");
  w.raw("VERSION", "2.0");
  w.text("PRODID", "-//" + site.config.institution.name + "//cartable//FR");
  w.raw("CALSCALE", "GREGORIAN");
  // No METHOD: a published calendar is not an iTIP message. METHOD:PUBLISH
  // requires an ORGANIZER in every event (RFC 5546 3.2.1), and an ORGANIZER
  // turns each session into a meeting in Outlook (accept/decline, replies
  // mailed to the HEP); RFC 5545 3.8.4.3 keeps it for group-scheduled events.
  if (!one_time_copy) {
    w.text("NAME", name);
    w.text("X-WR-CALNAME", name);
    w.raw("X-WR-TIMEZONE", site.config.timezone);
    w.raw("REFRESH-INTERVAL;VALUE=DURATION", site.calendar.refresh);
    w.raw("X-PUBLISHED-TTL", site.calendar.refresh);
    w.raw("SOURCE;VALUE=URI", index.absolute(feed_url));
    w.raw("URL;VALUE=URI", index.absolute(index.calendar_url()));
  }
  if (tz && !sessions.empty()) {
    int first = sessions.front()->start.year, last = sessions.front()->end.year;
    for (const Session* s : sessions) {
      first = std::min(first, s->start.year);
      last = std::max(last, s->end.year);
    }
    write_vtimezone(w, *tz, first, last);
  }
  EventWords words = event_words(theme);
  for (const Session* s : sessions) {
    EventFacts f = event_facts(site, *s, words);
    w.raw("BEGIN", "VEVENT");
    w.raw("UID", f.uid);
    w.raw("DTSTAMP", format_utc_basic(f.dtstamp));
    if (f.last_modified) w.raw("LAST-MODIFIED", format_utc_basic(f.last_modified));
    w.raw("SEQUENCE", std::to_string(f.sequence));
    w.raw("STATUS", f.status);
    w.text("SUMMARY", f.summary);
    w.raw("DTSTART;TZID=" + site.config.timezone, format_local_basic(s->start));
    w.raw("DTEND;TZID=" + site.config.timezone, format_local_basic(s->end));
    w.text("LOCATION", f.location);
    w.text("DESCRIPTION", f.description);
    w.raw("URL;VALUE=URI", f.url);
    w.raw("CATEGORIES", f.categories);
    w.raw("TRANSP", f.transp);
    w.raw("END", "VEVENT");
  }
  w.raw("END", "VCALENDAR");
  return w.str();
}

// XML text and attributes need the same five escapes as HTML, and no
// control character (XML 1.0 forbids them: readers drop the whole feed).
std::string xml_escape(const std::string& text) { return html_escape(without_control_chars(text)); }

namespace {

struct Change {
  const Session* session;
  size_t entry;      // index in session->history
  std::string key;   // the entry's date, and its rank among same-day entries of the session
};

// Every history entry, newest first; ties by session and key, so the order
// the entries were typed in never shows.
std::vector<Change> all_changes(const Site& site) {
  std::vector<Change> changes;
  for (const Session& s : site.sessions) {
    std::map<LocalTime, int> same_day;
    std::vector<size_t> order(s.history.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s.history[a].date < s.history[b].date; });
    for (size_t i : order) {
      const LocalTime& d = s.history[i].date;
      char key[32];
      std::snprintf(key, sizeof key, "%04d-%02d-%02d", d.year, d.month, d.day);
      int n = ++same_day[LocalTime{d.year, d.month, d.day, 0, 0}];
      changes.push_back({&s, i, n == 1 ? std::string(key) : std::string(key) + "-" + std::to_string(n)});
    }
  }
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    const LocalTime &da = a.session->history[a.entry].date, &db = b.session->history[b.entry].date;
    if (da != db) return db < da;
    return a.session->id != b.session->id ? a.session->id < b.session->id : a.key < b.key;
  });
  return changes;
}

// « Déplacée : », « Annulée : », « À confirmer : » or « Modifiée : ».
std::string change_prefix(const Theme& theme, const Session& s, size_t entry) {
  if (s.history[entry].from) return ui(theme, "calendar.change_moved");
  std::optional<LocalTime> newest = newest_change(s);
  bool latest = newest && s.history[entry].date == *newest;
  if (latest && s.status == SessionStatus::Cancelled) return ui(theme, "calendar.cancelled_prefix");
  if (latest && s.status == SessionStatus::Tentative) return ui(theme, "calendar.tentative_prefix");
  return ui(theme, "calendar.change_other");
}

}  // namespace

std::string atom_changes(const Index& index, const Theme& theme) {
  const Site& site = index.site();
  auto tz = TimeZone::find(site.config.timezone);
  std::vector<Change> changes = all_changes(site);
  auto iso = [&](const LocalTime& t) { return tz ? format_iso_offset(t, tz->offset_at(t)) : std::string(); };
  const LocalTime& created = site.calendar.created;
  std::string updated = changes.empty() ? iso(created) : iso(changes.front().session->history[changes.front().entry].date);
  // Entry ids (RFC 4151 tag URIs) name the session and the day of the
  // change, never its position or wording: correcting a note or reordering
  // the history keeps them, so readers do not show a change twice.
  char minted[16];
  std::snprintf(minted, sizeof minted, "%04d-%02d-%02d", created.year, created.month, created.day);
  std::string tag = "tag:" + site_host(site.config) + "," + minted + ":";
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"" + xml_escape(site.config.language) + "\">\n";
  out += "  <title>" + xml_escape(ui(theme, "calendar.changes_title") + " · " + site.config.title) + "</title>\n";
  out += "  <id>" + xml_escape(index.absolute(index.changes_url())) + "</id>\n";
  out += "  <link rel=\"self\" href=\"" + xml_escape(index.absolute(index.changes_feed_url())) + "\"/>\n";
  out += "  <link rel=\"alternate\" type=\"text/html\" href=\"" + xml_escape(index.absolute(index.changes_url())) + "\"/>\n";
  out += "  <updated>" + updated + "</updated>\n";
  out += "  <author><name>" + xml_escape(site.config.institution.name) + "</name></author>\n";
  for (const Change& c : changes) {
    const Session& s = *c.session;
    const HistoryEntry& h = s.history[c.entry];
    std::string summary = h.note;
    for (const Move& m : session_moves(site, theme, s)) {
      if (m.entry == c.entry) summary = m.text + ". " + summary;
    }
    out += "  <entry>\n";
    out += "    <title>" + xml_escape(change_prefix(theme, s, c.entry) + s.title) + "</title>\n";
    out += "    <id>" + xml_escape(tag + "seances/" + s.id + "/" + c.key) + "</id>\n";
    out += "    <link href=\"" + xml_escape(index.absolute(index.session_url(s.id))) + "\"/>\n";
    out += "    <updated>" + iso(h.date) + "</updated>\n";
    out += "    <summary>" + xml_escape(summary) + "</summary>\n";
    out += "  </entry>\n";
  }
  out += "</feed>\n";
  return out;
}

}  // namespace cartable
