// The Atom feed of calendar changes and the .ics feeds, on the small site of
// tests/fixture_site.h: s2 moved on 2026-10-01 (from 12 to 13 March 2027),
// s3 cancelled on 2026-10-15. The theme's words are given here, in English, so
// the expected text is written independently of the real theme.
#include <gtest/gtest.h>

#include "fixture_site.h"
#include "index/index.h"
#include "render/render.h"
#include "render/theme.h"

using namespace cartable;

namespace {

struct FeedsTest : cartable_test::IndexedFixture {
  Theme theme;

  FeedsTest() {
    theme.string_table = {
        {"calendar.changes_title", "Changes"},   {"calendar.change_moved", "Moved: "},
        {"calendar.cancelled_prefix", "Cancelled: "}, {"calendar.tentative_prefix", "Tentative: "},
        {"calendar.change_other", "Changed: "},  {"calendar.moved_from", "Moved from"},
        {"calendar.moved_to", "to"},             {"calendar.hour_sep", ":"},
        {"calendar.range_sep", "-"},             {"weekdays.4", "Friday"},
        {"weekdays.5", "Saturday"},              {"months.3", "March"},
    };
  }
};

// The text of each <tag>…</tag> in `xml`, in order.
std::vector<std::string> elements(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
    size_t end = xml.find(close, at);
    if (end == std::string::npos) break;
    out.push_back(xml.substr(at + open.size(), end - at - open.size()));
  }
  return out;
}

std::string first(const std::string& xml, const std::string& tag) {
  std::vector<std::string> all = elements(xml, tag);
  return all.empty() ? "" : all.front();
}

using Texts = std::vector<std::string>;

}  // namespace

// Newest change first; the feed is as recent as its newest change; times in
// Zurich's offset of the day (summer time until 25 October 2026: +02:00).
TEST_F(FeedsTest, AtomHasOneEntryPerChangeNewestFirst) {
  load();
  std::string atom = atom_changes(*index, theme);
  std::vector<std::string> entries = elements(atom, "entry");
  ASSERT_EQ(entries.size(), 2u) << atom;
  EXPECT_EQ(first(entries[0], "title"), "Cancelled: Séance trois");
  EXPECT_EQ(first(entries[1], "title"), "Moved: Séance deux");
  EXPECT_EQ(first(entries[0], "updated"), "2026-10-15T00:00:00+02:00");
  EXPECT_EQ(first(entries[1], "updated"), "2026-10-01T00:00:00+02:00");
  // The feed's own <updated> comes before the entries.
  EXPECT_EQ(first(atom.substr(0, atom.find("<entry>")), "updated"), "2026-10-15T00:00:00+02:00");
  EXPECT_NE(entries[0].find("<link href=\"https://example.org/cas/seances/s3/\"/>"), std::string::npos) << entries[0];
}

// Ids name the session and the day, never the wording: a corrected note
// keeps them, so feed readers do not show the change twice.
TEST_F(FeedsTest, AtomEntryIdsAreTagUrisOfSessionAndDay) {
  load();
  std::string before = atom_changes(*index, theme);
  EXPECT_EQ(elements(before, "id"),
            (Texts{"https://example.org/cas/calendrier/modifications/", "tag:example.org,2026-09-01:seances/s3/2026-10-15",
                   "tag:example.org,2026-09-01:seances/s2/2026-10-01"}));
  std::string calendar;
  ASSERT_TRUE(fixture.files->read("content/calendar.yaml", &calendar));
  const std::string note = "Déplacée d'une journée.";
  size_t at = calendar.find(note);
  ASSERT_NE(at, std::string::npos);
  fixture.add("content/calendar.yaml", calendar.replace(at, note.size(), "Déplacée au vendredi."));
  load();
  std::string after = atom_changes(*index, theme);
  EXPECT_NE(before, after);
  EXPECT_EQ(elements(after, "id"), elements(before, "id"));
}

// A move's summary says where the session was and where it is now.
TEST_F(FeedsTest, AMovesSummaryGivesBothSlots) {
  load();
  std::vector<std::string> entries = elements(atom_changes(*index, theme), "entry");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(first(entries[1], "summary"),
            "Moved from Friday 12 March 2027, 09:00-16:00 (ST) to Saturday 13 March 2027, 09:00-16:00 (ST). "
            "Déplacée d&#39;une journée.");
  EXPECT_EQ(first(entries[0], "summary"), "Annulée.");
}

// Without any change, the feed is as old as the calendar's first publication.
TEST_F(FeedsTest, AtomWithoutChangesIsDatedByTheCalendarsCreation) {
  fixture.add("content/calendar.yaml",
              "sessions:\n  - id: s1\n    module: m1\n    title: Séance un\n    start: 2027-03-06 09:00\n"
              "    end: 2027-03-06 12:00\n    place: salle\n");
  load();
  std::string atom = atom_changes(*index, theme);
  EXPECT_TRUE(elements(atom, "entry").empty());
  EXPECT_EQ(first(atom, "updated"), "2026-09-01T00:00:00+02:00");
}

// Each change of a session raises its SEQUENCE; a cancelled session stays
// in the feed, CANCELLED, so calendars remove it.
TEST_F(FeedsTest, IcsEventsCarryStatusAndSequence) {
  load();
  std::vector<const Session*> all;
  for (const Session& s : site.sessions) all.push_back(&s);
  std::string ics = ics_feed(*index, theme, all, "CAS", index->calendar_feed_url());
  auto event = [&](const std::string& uid) {
    size_t at = ics.find("UID:" + uid + "\r\n");
    return at == std::string::npos ? std::string() : ics.substr(at, ics.find("END:VEVENT", at) - at);
  };
  EXPECT_NE(event("s1@example.org").find("SEQUENCE:0\r\n"), std::string::npos) << ics;
  EXPECT_NE(event("s1@example.org").find("STATUS:CONFIRMED\r\n"), std::string::npos);
  EXPECT_NE(event("s2@example.org").find("SEQUENCE:1\r\n"), std::string::npos);
  EXPECT_NE(event("s2@example.org").find("DTSTART;TZID=Europe/Zurich:20270313T090000\r\n"), std::string::npos);
  EXPECT_NE(event("s3@example.org").find("STATUS:CANCELLED\r\n"), std::string::npos);
  EXPECT_NE(event("s3@example.org").find("SUMMARY:Cancelled: Séance trois\r\n"), std::string::npos)
      << event("s3@example.org");
}
