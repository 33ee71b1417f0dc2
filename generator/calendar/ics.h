// iCalendar (RFC 5545) content lines, written by code rather than a
// template: TEXT escaping, folding at 75 octets without splitting a UTF-8
// sequence, CRLF line ends. And a small reader for a previously published
// feed, to compare it with the new one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cartable {

// Backslash, semicolon, comma and newline escaped as RFC 5545 3.3.11 says.
// Control characters are not allowed in TEXT (nor in XML): a vertical tab
// (Word's soft line break) becomes a newline, the others are dropped.
std::string ics_escape_text(std::string_view raw);
// The same clean-up for any text that goes into XML or iCalendar.
std::string without_control_chars(std::string_view text);
std::string ics_unescape_text(std::string_view text);

// One content line, folded, with its CRLF.
std::string ics_fold(std::string_view line);

class IcsWriter {
 public:
  // `value` is written as is (dates, URIs, numbers, enumerations).
  void raw(std::string_view name, std::string_view value);
  // `text` is a TEXT value and is escaped.
  void text(std::string_view name, std::string_view text);
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

// What a published VEVENT said, for `check --previous-ics`.
struct IcsEvent {
  std::string uid;
  int sequence = 0;
  std::string dtstart;  // value with its TZID, e.g. "Europe/Zurich:20270313T090000"
  std::string dtend;
  std::string location;  // unescaped
  std::string status;
  std::string summary;  // unescaped
  std::string description;
  std::string url;
};

// Unfolds the lines and collects the VEVENTs. Tolerant: unknown lines are
// skipped.
std::vector<IcsEvent> parse_ics_events(std::string_view text);

class TimeZone;
// The zone's VTIMEZONE for events in [first_year, last_year]: one STANDARD
// and one DAYLIGHT block with a yearly RRULE when the tz database's
// transitions of those years follow such rules (checked), else one block
// per observance.
void write_vtimezone(IcsWriter& w, const TimeZone& tz, int first_year, int last_year);

}  // namespace cartable
