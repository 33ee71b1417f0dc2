#include "calendar/ics.h"

#include <gtest/gtest.h>

#include "calendar/timezone.h"

using namespace cartable;

TEST(Ics, EscapesText) {
  EXPECT_EQ(ics_escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
  EXPECT_EQ(ics_unescape_text(ics_escape_text("a,b;c\\d\ne")), "a,b;c\\d\ne");
}

TEST(Ics, FoldsAt75OctetsWithoutSplittingUtf8) {
  std::string value;
  for (int i = 0; i < 60; ++i) value += "é";  // 2 octets each
  std::string folded = ics_fold("SUMMARY:" + value);
  size_t start = 0;
  std::string unfolded;
  while (start < folded.size()) {
    size_t end = folded.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    std::string line = folded.substr(start, end - start);
    EXPECT_LE(line.size(), 75u);
    // A fold never starts inside a sequence: no line begins with a
    // continuation byte after the folding space.
    std::string content = start == 0 ? line : line.substr(1);
    ASSERT_FALSE(content.empty());
    EXPECT_NE(static_cast<unsigned char>(content[0]) & 0xC0, 0x80);
    unfolded += content;
    start = end + 2;
  }
  EXPECT_EQ(unfolded, "SUMMARY:" + value);
}

TEST(Ics, ShortLineIsNotFolded) { EXPECT_EQ(ics_fold("VERSION:2.0"), "VERSION:2.0\r\n"); }

TEST(Ics, ReadsBackPublishedEvents) {
  IcsWriter w;
  w.raw("BEGIN", "VEVENT");
  w.raw("UID", "m1-lancement@example.org");
  w.raw("SEQUENCE", "2");
  w.raw("DTSTART;TZID=Europe/Zurich", "20261107T090000");
  w.text("LOCATION", "HEP-BEJUNE, site de Delémont, campus Strate J, Route de Moutier 14, 2800 Delémont, Suisse romande");
  w.raw("END", "VEVENT");
  auto events = parse_ics_events(w.str());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].uid, "m1-lancement@example.org");
  EXPECT_EQ(events[0].sequence, 2);
  EXPECT_EQ(events[0].dtstart, "Europe/Zurich:20261107T090000");
  EXPECT_EQ(events[0].location, "HEP-BEJUNE, site de Delémont, campus Strate J, Route de Moutier 14, 2800 Delémont, Suisse romande");
}

TEST(TimeZone, ZurichAcrossDaylightSaving) {
  auto tz = TimeZone::find("Europe/Zurich");
  ASSERT_TRUE(tz);
  // 13 March 2027 is winter time (UTC+1), 22 May 2027 summer time (UTC+2).
  EXPECT_EQ(format_utc_basic(tz->to_utc({2027, 3, 13, 9, 0})), "20270313T080000Z");
  EXPECT_EQ(format_utc_basic(tz->to_utc({2027, 5, 22, 9, 0})), "20270522T070000Z");
  EXPECT_EQ(tz->classify({2027, 3, 28, 2, 30}), LocalKind::Nonexistent);
  EXPECT_EQ(tz->classify({2027, 10, 31, 2, 30}), LocalKind::Ambiguous);
  EXPECT_EQ(tz->classify({2027, 10, 31, 9, 0}), LocalKind::Unique);
  EXPECT_FALSE(TimeZone::find("Europe/Zurch"));
}

TEST(TimeZone, ObservancesCoverTheYears) {
  auto tz = TimeZone::find("Europe/Zurich");
  auto obs = tz->observances(2026, 2028);
  // The one in force on 1 January 2026, then two changes a year.
  ASSERT_EQ(obs.size(), 7u);
  EXPECT_FALSE(obs[0].daylight);
  EXPECT_TRUE(obs[1].daylight);
  EXPECT_EQ(format_local_basic(obs[1].onset), "20260329T020000");
  EXPECT_EQ(obs[1].offset_from, 3600);
  EXPECT_EQ(obs[1].offset_to, 7200);
  EXPECT_EQ(obs[1].name, "CEST");
  EXPECT_EQ(format_local_basic(obs[2].onset), "20261025T030000");
}

TEST(TimeZone, Weekdays) {
  EXPECT_EQ(weekday({2026, 11, 7, 0, 0}), 5);   // a Saturday
  EXPECT_EQ(weekday({2026, 12, 2, 0, 0}), 2);   // a Wednesday
}

TEST(Ics, FoldingInvalidUtf8StillAdvances) {
  std::string junk(300, '\xb2');  // continuation bytes only
  std::string folded = ics_fold("LOCATION:" + junk);
  EXPECT_GT(folded.size(), junk.size());
  for (size_t start = 0, end; (end = folded.find("\r\n", start)) != std::string::npos; start = end + 2) {
    EXPECT_LE(end - start, 75u);
  }
}

TEST(TimeZone, YearlyRulesAgreeWithTheTzDatabaseAtEveryInstant) {
  for (const char* name : {"Europe/Zurich", "America/New_York", "Australia/Sydney", "Asia/Tokyo"}) {
    SCOPED_TRACE(name);
    auto tz = TimeZone::find(name);
    ASSERT_TRUE(tz);
    auto rules = tz->yearly_rules(2025, 2028);
    ASSERT_TRUE(rules);
    // Every quarter hour of the years, as a client reading the VTIMEZONE
    // computes it, against the tz database.
    UtcSeconds from = tz->to_utc({2026, 1, 1, 0, 0}), to = tz->to_utc({2029, 1, 1, 0, 0});
    for (UtcSeconds t = from; t < to; t += 900) {
      ASSERT_EQ(offset_by_rules(*rules, t), tz->offset_at_utc(t)) << format_utc_basic(t);
    }
  }
}

TEST(TimeZone, ZurichRulesAreTheEuropeanOnes) {
  auto rules = TimeZone::find("Europe/Zurich")->yearly_rules(2025, 2028);
  ASSERT_TRUE(rules && rules->rules.size() == 2);
  const YearlyRule& standard = rules->rules[0];
  const YearlyRule& summer = rules->rules[1];
  EXPECT_FALSE(standard.first.daylight);
  EXPECT_EQ(standard.month, 10);
  EXPECT_EQ(standard.week, -1);
  EXPECT_EQ(standard.weekday, 6);
  EXPECT_EQ(format_local_basic(summer.first.onset), "20250330T020000");
  EXPECT_EQ(format_local_basic(rule_onset(summer, 2027)), "20270328T020000");
  EXPECT_EQ(format_local_basic(rule_onset(standard, 2027)), "20271031T030000");
}

TEST(Ics, VtimezoneHasOneRuleOfEachKind) {
  IcsWriter w;
  write_vtimezone(w, *TimeZone::find("Europe/Zurich"), 2026, 2028);
  EXPECT_NE(w.str().find("BEGIN:STANDARD\r\nDTSTART:20241027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"),
            std::string::npos)
      << w.str();
  EXPECT_NE(w.str().find("BEGIN:DAYLIGHT\r\nDTSTART:20250330T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"),
            std::string::npos);
  // A zone without summer time: one block, no rule.
  IcsWriter tokyo;
  write_vtimezone(tokyo, *TimeZone::find("Asia/Tokyo"), 2026, 2028);
  EXPECT_EQ(tokyo.str().find("RRULE"), std::string::npos);
  EXPECT_NE(tokyo.str().find("TZOFFSETTO:+0900"), std::string::npos);
}

TEST(Ics, NoControlCharacters) {
  // Word's soft line break (U+000B) becomes a line break; the rest go.
  EXPECT_EQ(ics_escape_text("Salle\vB201\x01\x7f"), "Salle\\nB201");
  EXPECT_EQ(without_control_chars("a\tb\x0c" "c\x1b"), "a\tbc");
}
