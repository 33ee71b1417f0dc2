#include "calendar/timezone.h"

#include <date/tz.h>

#include <cstdio>

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

}  // namespace cartable
