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
std::string ics_escape_text(std::string_view text);
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
};

// Unfolds the lines and collects the VEVENTs. Tolerant: unknown lines are
// skipped.
std::vector<IcsEvent> parse_ics_events(std::string_view text);

}  // namespace cartable
