#include "calendar/ics.h"

#include <cstdio>
#include <cstdlib>

#include "calendar/timezone.h"

namespace cartable {

std::string without_control_chars(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\v') out += '\n';
    else if (u >= 0x20 && u != 0x7F) out += c;
    else if (c == '\n' || c == '\r' || c == '\t') out += c;
  }
  return out;
}

std::string ics_escape_text(std::string_view raw) {
  std::string clean = without_control_chars(raw);
  std::string_view text = clean;
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string ics_unescape_text(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      char n = text[++i];
      out += (n == 'n' || n == 'N') ? '\n' : n;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string ics_fold(std::string_view line) {
  constexpr size_t kMax = 75;  // octets, not counting CRLF
  std::string out;
  out.reserve(line.size() + line.size() / 70 * 3 + 2);
  size_t pos = 0;
  size_t room = kMax;
  while (line.size() - pos > room) {
    size_t cut = pos + room;
    // Never split a UTF-8 sequence: back up over continuation bytes.
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    // Not UTF-8 at all (a run of continuation bytes): cut anyway, or the
    // loop would never advance (found by fuzz_ics).
    if (cut == pos) cut = pos + room;
    out.append(line.substr(pos, cut - pos));
    out += "\r\n ";
    pos = cut;
    room = kMax - 1;  // the leading space counts
  }
  out.append(line.substr(pos));
  out += "\r\n";
  return out;
}

void IcsWriter::raw(std::string_view name, std::string_view value) {
  std::string line(name);
  line += ':';
  line += value;
  out_ += ics_fold(line);
}

void IcsWriter::text(std::string_view name, std::string_view text) { raw(name, ics_escape_text(text)); }

std::vector<IcsEvent> parse_ics_events(std::string_view text) {
  // Unfold: a line starting with a space or tab continues the previous one.
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (!l.empty() && (l[0] == ' ' || l[0] == '\t') && !lines.empty()) {
      lines.back().append(l.substr(1));
    } else {
      lines.emplace_back(l);
    }
    pos = end + 1;
  }
  std::vector<IcsEvent> events;
  bool in_event = false;
  IcsEvent current;
  for (const std::string& l : lines) {
    if (l == "BEGIN:VEVENT") {
      in_event = true;
      current = {};
      continue;
    }
    if (l == "END:VEVENT") {
      if (in_event) events.push_back(current);
      in_event = false;
      continue;
    }
    if (!in_event) continue;
    size_t colon = l.find(':');
    if (colon == std::string::npos) continue;
    std::string head = l.substr(0, colon);
    std::string value = l.substr(colon + 1);
    std::string name = head.substr(0, head.find(';'));
    std::string tzid;
    if (auto p = head.find(";TZID="); p != std::string::npos) {
      tzid = head.substr(p + 6);
      tzid = tzid.substr(0, tzid.find(';'));
    }
    if (name == "UID") current.uid = value;
    else if (name == "SEQUENCE") current.sequence = std::atoi(value.c_str());
    else if (name == "DTSTART") current.dtstart = tzid + ":" + value;
    else if (name == "DTEND") current.dtend = tzid + ":" + value;
    else if (name == "LOCATION") current.location = ics_unescape_text(value);
    else if (name == "STATUS") current.status = value;
    else if (name == "SUMMARY") current.summary = ics_unescape_text(value);
    else if (name == "DESCRIPTION") current.description = ics_unescape_text(value);
    else if (name == "URL") current.url = value;
  }
  return events;
}

namespace {

std::string utc_offset(int seconds) {
  char buf[16];
  int a = seconds < 0 ? -seconds : seconds;
  std::snprintf(buf, sizeof buf, "%c%02d%02d", seconds < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
  return buf;
}

void write_observance(IcsWriter& w, const Observance& o, const std::string& rrule) {
  const char* kind = o.daylight ? "DAYLIGHT" : "STANDARD";
  w.raw("BEGIN", kind);
  w.raw("DTSTART", format_local_basic(o.onset));
  if (!rrule.empty()) w.raw("RRULE", rrule);
  w.raw("TZOFFSETFROM", utc_offset(o.offset_from));
  w.raw("TZOFFSETTO", utc_offset(o.offset_to));
  w.text("TZNAME", o.name);
  w.raw("END", kind);
}

}  // namespace

void write_vtimezone(IcsWriter& w, const TimeZone& tz, int first_year, int last_year) {
  static const char* const kDays[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
  w.raw("BEGIN", "VTIMEZONE");
  w.raw("TZID", tz.name());
  w.raw("X-LIC-LOCATION", tz.name());
  // Rules from the year before: each block's DTSTART then precedes every
  // event (Ruby's icalendar fails on an event before a block's first onset).
  if (std::optional<ZoneRules> rules = tz.yearly_rules(first_year - 1, last_year)) {
    if (rules->fixed) write_observance(w, *rules->fixed, "");
    for (const YearlyRule& r : rules->rules) {
      std::string rrule = "FREQ=YEARLY;BYMONTH=" + std::to_string(r.month) + ";BYDAY=" + std::to_string(r.week) + kDays[r.weekday];
      write_observance(w, r.first, rrule);
    }
  } else {
    for (const Observance& o : tz.observances(first_year, last_year)) write_observance(w, o, "");
  }
  w.raw("END", "VTIMEZONE");
}

}  // namespace cartable
