#include "calendar/timezone.h"

#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace cartable {

namespace {

date::local_seconds to_local(const LocalTime& t) {
  using namespace std::chrono;
  return date::local_days{date::year{t.year} / t.month / t.day} + hours{t.hour} + minutes{t.minute};
}

LocalTime from_seconds(int64_t s) {
  date::sys_seconds tp{std::chrono::seconds{s}};
  auto day = date::floor<date::days>(tp);
  date::year_month_day ymd{day};
  auto tod = date::make_time(tp - day);
  return {int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day())), int(tod.hours().count()),
          int(tod.minutes().count())};
}

}  // namespace

std::optional<TimeZone> TimeZone::find(const std::string& name) {
  try {
    TimeZone tz;
    tz.zone_ = date::locate_zone(name);
    tz.name_ = name;
    return tz;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

LocalKind TimeZone::classify(const LocalTime& t) const {
  switch (zone_->get_info(to_local(t)).result) {
    case date::local_info::nonexistent: return LocalKind::Nonexistent;
    case date::local_info::ambiguous: return LocalKind::Ambiguous;
    default: return LocalKind::Unique;
  }
}

UtcSeconds TimeZone::to_utc(const LocalTime& t) const {
  date::local_seconds local = to_local(t);
  date::local_info info = zone_->get_info(local);
  // `first` is the offset before a gap or overlap: an ambiguous time gets the
  // earlier instant, and a time in the gap the one after it, read with the
  // old offset (RFC 5545 3.3.5).
  return (local - info.first.offset).time_since_epoch().count();
}

int TimeZone::offset_at(const LocalTime& t) const {
  return static_cast<int>(zone_->get_info(to_local(t)).first.offset.count());
}

int TimeZone::offset_at_utc(UtcSeconds t) const {
  return static_cast<int>(zone_->get_info(date::sys_seconds{std::chrono::seconds{t}}).offset.count());
}

std::vector<Observance> TimeZone::observances(int first_year, int last_year) const {
  std::vector<Observance> out;
  date::sys_seconds from = date::sys_days{date::year{first_year} / 1 / 1};
  date::sys_seconds to = date::sys_days{date::year{last_year + 1} / 1 / 1};
  date::sys_seconds t = from;
  while (t < to) {
    date::sys_info info = zone_->get_info(t);
    date::sys_info before = zone_->get_info(info.begin - std::chrono::seconds{1});
    Observance o;
    o.daylight = info.save != std::chrono::minutes{0};
    o.offset_from = static_cast<int>(before.offset.count());
    o.offset_to = static_cast<int>(info.offset.count());
    o.onset = from_seconds((info.begin.time_since_epoch() + before.offset).count());
    o.name = info.abbrev;
    out.push_back(o);
    if (info.end <= t) break;
    t = info.end;
  }
  return out;
}

namespace {

UtcSeconds onset_utc(const LocalTime& onset, int offset_before) {
  return date::sys_seconds{to_local(onset).time_since_epoch()}.time_since_epoch().count() - offset_before;
}

// The rule an observance's onset follows, if it is a weekday rule at all.
YearlyRule rule_of(const Observance& o) {
  YearlyRule r;
  r.first = o;
  r.month = o.onset.month;
  r.weekday = weekday(o.onset);
  r.week = o.onset.day + 7 > days_in_month(o.onset.year, o.onset.month) ? -1 : (o.onset.day - 1) / 7 + 1;
  return r;
}

bool same_rule(const YearlyRule& a, const Observance& o) {
  YearlyRule b = rule_of(o);
  bool nth_agrees = a.week == b.week || (a.week > 0 && (o.onset.day - 1) / 7 + 1 == a.week);
  return a.month == b.month && a.weekday == b.weekday && nth_agrees && a.first.onset.hour == o.onset.hour &&
         a.first.onset.minute == o.onset.minute && a.first.offset_from == o.offset_from &&
         a.first.offset_to == o.offset_to && a.first.name == o.name && a.first.daylight == o.daylight;
}

// Every transition of the years, and no other, comes out of the rules.
bool rules_match(const ZoneRules& rules, const std::vector<Observance>& obs, int first_year, int last_year) {
  for (size_t i = 1; i < obs.size(); ++i) {
    UtcSeconds at = onset_utc(obs[i].onset, obs[i].offset_from);
    if (offset_by_rules(rules, at - 1) != obs[i].offset_from || offset_by_rules(rules, at) != obs[i].offset_to) return false;
  }
  size_t produced = 0, expected = 0;
  for (const YearlyRule& r : rules.rules) {
    for (int y = first_year; y <= last_year; ++y) produced += rule_onset(r, y) >= r.first.onset ? 1 : 0;
  }
  for (const Observance& o : obs) expected += o.onset.year >= first_year ? 1 : 0;
  return produced == expected;
}

}  // namespace

std::optional<ZoneRules> TimeZone::yearly_rules(int first_year, int last_year) const {
  std::vector<Observance> obs = observances(first_year, last_year);
  ZoneRules out;
  if (obs.empty()) return std::nullopt;
  if (obs.size() == 1) {
    out.fixed = obs[0];
    return out;
  }
  for (const Observance& o : obs) {
    auto it = std::find_if(out.rules.begin(), out.rules.end(), [&](const YearlyRule& r) { return r.first.daylight == o.daylight; });
    if (it == out.rules.end()) {
      out.rules.push_back(rule_of(o));
    } else if (!same_rule(*it, o)) {
      return std::nullopt;
    } else if (it->week == -1 && rule_of(o).week != -1) {
      it->week = (it->first.onset.day - 1) / 7 + 1;  // not always the last: an nth-weekday rule
      if (!same_rule(*it, o)) return std::nullopt;
    }
  }
  if (out.rules.size() != 2 || !rules_match(out, obs, first_year, last_year)) return std::nullopt;
  return out;
}

int days_in_month(int year, int month) {
  return static_cast<int>(unsigned((date::year{year} / month / date::last).day()));
}

LocalTime rule_onset(const YearlyRule& rule, int year) {
  LocalTime t = rule.first.onset;
  t.year = year;
  t.month = rule.month;
  if (rule.week == -1) {
    t.day = days_in_month(year, rule.month);
    while (weekday(t) != rule.weekday) --t.day;
  } else {
    t.day = 1;
    while (weekday(t) != rule.weekday) ++t.day;
    t.day += 7 * (rule.week - 1);
  }
  return t;
}

int offset_by_rules(const ZoneRules& rules, UtcSeconds t) {
  if (rules.fixed) return rules.fixed->offset_to;
  int year = from_seconds(t).year;
  bool found = false;
  UtcSeconds best = 0;
  int offset = 0;
  for (const YearlyRule& r : rules.rules) {
    for (int y = year - 1; y <= year + 1; ++y) {
      LocalTime onset = rule_onset(r, y);
      if (onset < r.first.onset) continue;
      UtcSeconds at = onset_utc(onset, r.first.offset_from);
      if (at <= t && (!found || at > best)) {
        found = true;
        best = at;
        offset = r.first.offset_to;
      }
    }
  }
  if (found) return offset;
  // Before every rule's first onset: the offset the earliest one leaves.
  const YearlyRule* earliest = &rules.rules.front();
  for (const YearlyRule& r : rules.rules) {
    if (r.first.onset < earliest->first.onset) earliest = &r;
  }
  return earliest->first.offset_from;
}

std::string format_utc_basic(UtcSeconds t) {
  LocalTime u = from_seconds(t);
  int sec = static_cast<int>(((t % 60) + 60) % 60);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", u.year, u.month, u.day, u.hour, u.minute, sec);
  return buf;
}

std::string format_local_basic(const LocalTime& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d00", t.year, t.month, t.day, t.hour, t.minute);
  return buf;
}

std::string format_iso_offset(const LocalTime& t, int offset) {
  char buf[48];
  int a = offset < 0 ? -offset : offset;
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:00%c%02d:%02d", t.year, t.month, t.day, t.hour, t.minute,
                offset < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
  return buf;
}

int weekday(const LocalTime& t) {
  date::weekday wd{date::sys_days{date::year{t.year} / t.month / t.day}};
  return static_cast<int>(wd.iso_encoding()) - 1;
}

LocalTime from_utc(UtcSeconds t) { return from_seconds(t); }

LocalTime build_today(const TimeZone* tz) {
  UtcSeconds now = static_cast<UtcSeconds>(std::time(nullptr));
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
    char* end = nullptr;
    long long v = std::strtoll(epoch, &end, 10);
    if (end && *end == '\0' && end != epoch) now = v;
  }
  LocalTime t = from_utc(now + (tz ? tz->offset_at_utc(now) : 0));
  return {t.year, t.month, t.day, 23, 59};
}

}  // namespace cartable
