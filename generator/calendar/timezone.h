// Time zones from the tz database (Howard Hinnant's date/tz over the
// system's tzdata): local wall-clock times to UTC instants, the DST gaps and
// overlaps a local time can fall into, and the transitions a VTIMEZONE lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"

namespace date {
class time_zone;
}

namespace cartable {

// Seconds since 1970-01-01T00:00:00Z.
using UtcSeconds = int64_t;

enum class LocalKind { Unique, Nonexistent, Ambiguous };

// One period of a zone's history, as a VTIMEZONE STANDARD/DAYLIGHT entry.
struct Observance {
  bool daylight = false;
  LocalTime onset;       // local time, in the offset in force before it
  int offset_from = 0;   // seconds east of UTC
  int offset_to = 0;
  std::string name;      // CET, CEST
};

// A yearly rule of a VTIMEZONE (RFC 5545 3.6.5): the onset falls on the
// `week`-th `weekday` of `month` (week -1: the last), at `onset`'s time of
// day. One per kind (STANDARD, DAYLIGHT) parses in every client, where one
// block per transition does not (Outlook keeps only the latest of each kind).
struct YearlyRule {
  Observance first;  // the first onset the rule produces (its DTSTART)
  int month = 0;
  int week = 0;      // 1..4, or -1 for the last
  int weekday = 0;   // 0 = Monday ... 6 = Sunday
};

// The zone over some years, as VTIMEZONE blocks: yearly rules when every
// transition of those years follows them, else nothing (the caller falls
// back to one block per observance). `fixed` holds the single observance of
// a zone without transitions in those years.
struct ZoneRules {
  std::vector<YearlyRule> rules;
  std::optional<Observance> fixed;
};

class TimeZone {
 public:
  // nullopt when the tz database has no such zone.
  static std::optional<TimeZone> find(const std::string& name);

  const std::string& name() const { return name_; }
  LocalKind classify(const LocalTime& t) const;
  // For an ambiguous time, the earlier instant; for a nonexistent one, the
  // instant after the gap (as calendar clients do).
  UtcSeconds to_utc(const LocalTime& t) const;
  int offset_at(const LocalTime& t) const;  // seconds east of UTC
  int offset_at_utc(UtcSeconds t) const;
  // Every observance in force at some time in [first_year, last_year].
  std::vector<Observance> observances(int first_year, int last_year) const;
  // Yearly rules equivalent to the tz database over [first_year, last_year]:
  // derived from the observances, then checked against every transition of
  // those years (offsets are constant between transitions, so this covers
  // every instant). nullopt when no such rules exist.
  std::optional<ZoneRules> yearly_rules(int first_year, int last_year) const;

 private:
  const date::time_zone* zone_ = nullptr;
  std::string name_;
};

// 20270313T080000Z
std::string format_utc_basic(UtcSeconds t);
// 20270313T090000
std::string format_local_basic(const LocalTime& t);
// 2027-03-13T09:00:00+01:00, for schema.org and Atom
std::string format_iso_offset(const LocalTime& t, int offset_seconds);
// 0 = Monday ... 6 = Sunday
int weekday(const LocalTime& t);
LocalTime from_utc(UtcSeconds t);  // the UTC wall clock of an instant
int days_in_month(int year, int month);
// The build's today, its last minute (23:59) in the time zone `tz` (UTC when
// none): SOURCE_DATE_EPOCH when set, so a reproducible build has one today;
// else the clock. What has happened by then has happened for the build.
LocalTime build_today(const TimeZone* tz);
// The local onset a yearly rule gives in `year`.
LocalTime rule_onset(const YearlyRule& rule, int year);
// The offset in force at a UTC instant according to yearly rules alone, as a
// calendar client reading the VTIMEZONE computes it.
int offset_by_rules(const ZoneRules& rules, UtcSeconds t);

}  // namespace cartable
