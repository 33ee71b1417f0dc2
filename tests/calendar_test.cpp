// The calendar as subscribers and HEP staff meet it: feed bytes, changes and
// cancellations, and the diagnostics that keep the authoritative calendar
// right. UTC instants are checked by the oracles (tests/oracles).
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <set>

#include "support.h"

using namespace cartable_test;

namespace {

class Calendar : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = temp_dir(std::string("cal-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    copy_default_site(dir);
    calendar = dir / "content/calendar.yaml";
    // The build's reference date: 1 September 2027, after every history
    // date these tests write (history may not be dated after it).
    ::setenv("SOURCE_DATE_EPOCH", "1819756800", 1);
  }
  void TearDown() override {
    ::unsetenv("SOURCE_DATE_EPOCH");
    fs::remove_all(dir);
  }

  // Breaks the calendar with `from` -> `to`, expects a build error whose
  // position is the line of `at` (after the edit) and whose text matches.
  void expect_error(const std::string& from, const std::string& to, const std::string& at, const std::string& message) {
    replace_in_file(calendar, from, to);
    auto [line, col] = position_of(calendar, at);
    ASSERT_GT(line, 0);
    RunResult r = run_cartable(dir, "build");
    EXPECT_EQ(r.status, 1);
    std::string prefix = "content/calendar.yaml:" + std::to_string(line) + ":";
    EXPECT_NE(r.err.find(prefix), std::string::npos) << "expected " << prefix << " in\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "public"));
  }

  fs::path dir, calendar;
};

std::vector<std::string> raw_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find("\r\n", start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Unfolded content lines of a feed.
std::vector<std::string> content_lines(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& l : raw_lines(text)) {
    if (!l.empty() && l[0] == ' ' && !out.empty()) out.back() += l.substr(1);
    else out.push_back(l);
  }
  return out;
}

std::string event_block(const std::string& ics, const std::string& uid_prefix) {
  auto at = ics.find("UID:" + uid_prefix + "@");
  if (at == std::string::npos) return "";
  return ics.substr(at, ics.find("END:VEVENT", at) - at);
}

}  // namespace

TEST_F(Calendar, EveryFeedIsByteLevelCorrect) {
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  size_t feeds = 0;
  for (const auto& [path, bytes] : snapshot(dir / "public")) {
    if (path.size() < 4 || path.substr(path.size() - 4) != ".ics") continue;
    ++feeds;
    SCOPED_TRACE(path);
    ASSERT_GE(bytes.size(), 2u);
    EXPECT_EQ(bytes.substr(bytes.size() - 2), "\r\n");
    // Every LF is part of a CRLF.
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (bytes[i] == '\n') { ASSERT_TRUE(i > 0 && bytes[i - 1] == '\r') << "bare LF at " << i; }
    }
    for (const std::string& line : raw_lines(bytes)) {
      EXPECT_LE(line.size(), 75u) << line;
      EXPECT_TRUE(valid_utf8(line)) << "a fold split a UTF-8 sequence: " << line;
    }
    std::vector<std::string> lines = content_lines(bytes);
    EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
    EXPECT_EQ(lines.back(), "END:VCALENDAR");
    for (const std::string& l : lines) {
      EXPECT_TRUE(valid_utf8(l));
      if (l.rfind("DTSTART;TZID=", 0) == 0 || l.rfind("DTEND;TZID=", 0) == 0) {
        EXPECT_NE(l.back(), 'Z') << "TZID with a UTC value: " << l;
      }
      if (l.rfind("DTSTAMP:", 0) == 0 || l.rfind("LAST-MODIFIED:", 0) == 0) { EXPECT_EQ(l.back(), 'Z') << l; }
      // TEXT values: no raw comma or semicolon (they must be escaped).
      if (l.rfind("SUMMARY:", 0) == 0 || l.rfind("LOCATION:", 0) == 0 || l.rfind("DESCRIPTION:", 0) == 0) {
        std::string v = l.substr(l.find(':') + 1);
        for (size_t i = 0; i < v.size(); ++i) {
          if (v[i] == '\\') { ++i; continue; }
          EXPECT_TRUE(v[i] != ',' && v[i] != ';') << l;
        }
      }
    }
    // Every TZID used is defined by a VTIMEZONE of the same file; UIDs are unique.
    std::set<std::string> defined, used, uids;
    for (const std::string& l : lines) {
      if (l.rfind("TZID:", 0) == 0) defined.insert(l.substr(5));
      if (auto p = l.find(";TZID="); p != std::string::npos) {
        std::string tzid = l.substr(p + 6);
        used.insert(tzid.substr(0, tzid.find_first_of(";:")));
      }
      if (l.rfind("UID:", 0) == 0) { EXPECT_TRUE(uids.insert(l).second) << "duplicate " << l; }
    }
    EXPECT_FALSE(used.empty());
    for (const auto& tzid : used) EXPECT_TRUE(defined.count(tzid)) << "no VTIMEZONE for " << tzid;
    for (const char* required : {"VERSION:2.0", "PRODID:", "BEGIN:VTIMEZONE", "TZID:Europe/Zurich"}) {
      EXPECT_NE(bytes.find(std::string("\r\n") + required), std::string::npos) << required;
    }
    // No METHOD: PUBLISH would require an ORGANIZER (libical's iTIP checks).
    EXPECT_EQ(bytes.find("\r\nMETHOD:"), std::string::npos);
    EXPECT_EQ(bytes.find("\r\nORGANIZER"), std::string::npos);
    // A session's own file is a one-time copy: calendar-level properties
    // would make Outlook create a calendar per download.
    bool one_time_copy = path.rfind("seances/", 0) == 0;
    for (const char* calendar_level : {"NAME:", "X-WR-CALNAME:", "REFRESH-INTERVAL;VALUE=DURATION:", "X-PUBLISHED-TTL:"}) {
      bool present = bytes.find(std::string("\r\n") + calendar_level) != std::string::npos;
      EXPECT_EQ(present, !one_time_copy) << calendar_level;
    }
    // The zone as two yearly rules, whose first onsets precede every event.
    EXPECT_NE(bytes.find("BEGIN:STANDARD\r\nDTSTART:"), std::string::npos);
    EXPECT_NE(bytes.find("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"), std::string::npos);
    EXPECT_NE(bytes.find("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"), std::string::npos);
    size_t blocks = 0;
    for (size_t at = 0; (at = bytes.find("BEGIN:STANDARD", at)) != std::string::npos; ++at) ++blocks;
    for (size_t at = 0; (at = bytes.find("BEGIN:DAYLIGHT", at)) != std::string::npos; ++at) ++blocks;
    EXPECT_EQ(blocks, 2u);
  }
  EXPECT_EQ(feeds, 1u + 4u + 21u);  // all, per module, per session
}

TEST_F(Calendar, EventsCarryStableUidsAndEverythingASubscriberNeeds) {
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  std::string ics = read(dir / "public/calendrier.ics");
  std::string ev = event_block(ics, "m3-se-proteger-1");
  ASSERT_FALSE(ev.empty());
  std::string unfolded;
  for (const auto& l : content_lines(ev)) unfolded += l + "\n";
  EXPECT_NE(unfolded.find("UID:m3-se-proteger-1@cas-cne.hep-bejune.ch\n"), std::string::npos);
  EXPECT_NE(unfolded.find("DTSTART;TZID=Europe/Zurich:20270313T090000\n"), std::string::npos);
  EXPECT_NE(unfolded.find("DTEND;TZID=Europe/Zurich:20270313T164500\n"), std::string::npos);
  EXPECT_NE(unfolded.find("SEQUENCE:0\n"), std::string::npos);
  EXPECT_NE(unfolded.find("STATUS:CONFIRMED\n"), std::string::npos);
  EXPECT_NE(unfolded.find("LOCATION:HEP-BEJUNE\\, site de Bienne\\, Chemin de la Ciblerie 45\n"), std::string::npos) << unfolded;
  EXPECT_NE(unfolded.find("URL;VALUE=URI:https://cas-cne.hep-bejune.ch/seances/m3-se-proteger-1/\n"), std::string::npos);
  EXPECT_NE(unfolded.find("DESCRIPTION:Module 3 – Support de premier niveau\\nAnimation : Nicolas Martignoni"), std::string::npos) << unfolded;
  EXPECT_NE(unfolded.find("CATEGORIES:CAS CNE,Module 3\n"), std::string::npos);
  // The session page links its one-event file, and the module page its feed.
  EXPECT_NE(read(dir / "public/seances/m3-se-proteger-1/index.html").find("m3-se-proteger-1.ics"), std::string::npos);
  EXPECT_NE(read(dir / "public/modules/m3/index.html").find("webcal://cas-cne.hep-bejune.ch/modules/m3/calendrier.ics"),
            std::string::npos);
}

TEST_F(Calendar, DtstampComesFromEachEventsOwnHistory) {
  replace_in_file(calendar, "start: 2027-06-05 09:00\n    end: 2027-06-05 16:45\n",
                  "start: 2027-06-05 09:00\n    end: 2027-06-05 16:45\n"
                  "    history:\n      - date: 2027-04-02\n        note: Lien de la visioconférence ajouté.\n");
  ASSERT_EQ(run_cartable(dir, "build --out build/a").status, 0);
  ::setenv("SOURCE_DATE_EPOCH", "1830000000", 1);  // another reference date: the same bytes
  ASSERT_EQ(run_cartable(dir, "build --out build/b").status, 0);
  EXPECT_EQ(read(dir / "build/a/calendrier.ics"), read(dir / "build/b/calendrier.ics"));
  std::string ics = read(dir / "build/a/calendrier.ics");
  std::string changed, unchanged;
  for (const auto& l : content_lines(event_block(ics, "m2-reseau"))) changed += l + "\n";
  for (const auto& l : content_lines(event_block(ics, "m2-tour-horizon"))) unchanged += l + "\n";
  // 2 April 2027, 00:00 in Zurich (summer time); calendar.created, 1 September 2026.
  EXPECT_NE(changed.find("DTSTAMP:20270401T220000Z\n"), std::string::npos) << changed;
  EXPECT_NE(changed.find("LAST-MODIFIED:20270401T220000Z\n"), std::string::npos) << changed;
  EXPECT_NE(unchanged.find("DTSTAMP:20260831T220000Z\n"), std::string::npos) << unchanged;
  EXPECT_EQ(unchanged.find("LAST-MODIFIED:"), std::string::npos);
}

TEST_F(Calendar, PageListsEverySessionByMonthWithWeekdayPlaceAndSpeakers) {
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  std::string html = read(dir / "public/calendrier/index.html");
  std::string text = visible_text(html);
  EXPECT_NE(text.find("novembre 2026"), std::string::npos);
  auto in_order = [&](const std::vector<std::string>& pieces) {
    size_t at = text.find(pieces[0]);
    for (size_t i = 1; i < pieces.size() && at != std::string::npos; ++i) {
      size_t next = text.find(pieces[i], at);
      at = next != std::string::npos && next - at < 200 ? next : std::string::npos;
    }
    return at != std::string::npos;
  };
  EXPECT_TRUE(in_order({"samedi 13 mars 2027", "09h00–16h45",
                        "Se protéger dans le monde du numérique – aspects juridiques, techniques et éthiques 1/2", "Module 3",
                        "SBI (Chemin de la Ciblerie 45)", "Animation : Nicolas Martignoni"}))
      << text;
  EXPECT_TRUE(in_order({"mercredi 9 février 2028", "13h30–17h30"}));
  // Months in order; sessions in order.
  EXPECT_LT(html.find("mois-2026-11"), html.find("mois-2026-12"));
  EXPECT_LT(html.find("/seances/m2-tour-horizon/"), html.find("/seances/m3-communication/"));
  EXPECT_NE(html.find("webcal://cas-cne.hep-bejune.ch/calendrier.ics"), std::string::npos);
  // Session pages carry EducationEvent JSON-LD with the UTC offset of the day.
  std::string session = read(dir / "public/seances/m2-tour-horizon/index.html");
  EXPECT_NE(session.find("\"@type\": \"EducationEvent\""), std::string::npos);
  EXPECT_NE(session.find("\"startDate\": \"2027-05-22T09:00:00+02:00\""), std::string::npos);
  // Module pages list their sessions, and session pages link back.
  EXPECT_NE(read(dir / "public/modules/m4/index.html").find("/seances/m4-formation-adultes-3/"), std::string::npos);
  EXPECT_NE(read(dir / "public/seances/m4-formation-adultes-3/index.html").find("href=\"/modules/m4/\""), std::string::npos);
}

TEST_F(Calendar, HistoryRaisesSequenceAndCancellationStaysInTheFeed) {
  replace_in_file(calendar, "    end: 2027-03-24 17:30\n    place: sde\n",
                  "    end: 2027-03-24 17:30\n    place: sde\n    status: cancelled\n"
                  "    history:\n      - date: 2027-02-10\n        note: Séance annulée, reportée au module 4.\n"
                  "      - date: 2027-01-05\n        note: Salle changée.\n");
  RunResult r = run_cartable(dir, "build");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string ics = read(dir / "public/calendrier.ics");
  std::string ev;
  for (const auto& l : content_lines(event_block(ics, "m3-equipement"))) ev += l + "\n";
  EXPECT_NE(ev.find("STATUS:CANCELLED\n"), std::string::npos) << ev;
  // Outlook ignores STATUS: the title says it, and the time is free.
  EXPECT_NE(ev.find("SUMMARY:Annulée : Participer au choix"), std::string::npos) << ev;
  EXPECT_NE(ev.find("TRANSP:TRANSPARENT\n"), std::string::npos) << ev;
  EXPECT_NE(ev.find("SEQUENCE:2\n"), std::string::npos);
  EXPECT_NE(ev.find("LAST-MODIFIED:20270209T230000Z\n"), std::string::npos) << ev;  // 10 Feb, 00:00 in Zurich
  std::string page = read(dir / "public/seances/m3-equipement/index.html");
  EXPECT_NE(page.find("<del>Participer au choix d&apos;équipement pour un établissement scolaire</del>"), std::string::npos);
  EXPECT_NE(page.find("Séance annulée, reportée au module 4."), std::string::npos);
  EXPECT_NE(read(dir / "public/calendrier/index.html").find("<del>Participer au choix"), std::string::npos);
  std::string changes = read(dir / "public/calendrier/modifications/index.html");
  EXPECT_LT(changes.find("Séance annulée"), changes.find("Salle changée"));  // newest first
  std::string atom = read(dir / "public/calendrier/modifications/atom.xml");
  EXPECT_NE(atom.find("<summary>Séance annulée, reportée au module 4.</summary>"), std::string::npos);
  EXPECT_NE(atom.find("<updated>2027-02-10T00:00:00+01:00</updated>"), std::string::npos);
  EXPECT_NE(atom.find("<title>Annulée : Participer au choix"), std::string::npos) << atom;
  EXPECT_NE(atom.find("<title>Modifiée : Participer au choix"), std::string::npos) << atom;
  // Ids name the session and the day, not a position: stable when entries
  // are reordered or their notes corrected.
  EXPECT_NE(atom.find("<id>tag:cas-cne.hep-bejune.ch,2026-09-01:seances/m3-equipement/2027-02-10</id>"), std::string::npos)
      << atom;
  replace_in_file(calendar, "note: Séance annulée, reportée au module 4.", "note: Séance annulée, reportée au module 5.");
  ASSERT_EQ(run_cartable(dir, "build --out build/corrected").status, 0);
  std::string corrected = read(dir / "build/corrected/calendrier/modifications/atom.xml");
  auto ids = [](const std::string& xml) {
    std::vector<std::string> out;
    std::regex id("<id>[^<]*</id>");
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), id); it != std::sregex_iterator(); ++it) out.push_back(it->str());
    return out;
  };
  EXPECT_EQ(ids(corrected), ids(atom));
}

TEST_F(Calendar, TentativeSessionsSayItInTheirTitle) {
  replace_in_file(calendar, "start: 2027-09-15 13:30\n    end: 2027-09-15 17:30\n",
                  "start: 2027-09-15 13:30\n    end: 2027-09-15 17:30\n    status: tentative\n");
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  std::string ev;
  for (const auto& l : content_lines(event_block(read(dir / "public/calendrier.ics"), "m3-prevention"))) ev += l + "\n";
  EXPECT_NE(ev.find("SUMMARY:À confirmer : La dimension prévention"), std::string::npos) << ev;
  EXPECT_NE(ev.find("STATUS:TENTATIVE\n"), std::string::npos);
  EXPECT_NE(ev.find("TRANSP:OPAQUE\n"), std::string::npos);  // keep the time free for it
}

TEST_F(Calendar, MovingASessionWithHistoryRaisesSequenceAndKeepsUid) {
  ASSERT_EQ(run_cartable(dir, "build --out build/before").status, 0);
  replace_in_file(calendar, "start: 2027-06-05 09:00\n    end: 2027-06-05 16:45\n    place: en-ligne\n",
                  "start: 2027-06-19 09:00\n    end: 2027-06-19 16:45\n    place: sbi\n"
                  "    history:\n      - date: 2027-04-02\n        note: Déplacée au 19 juin, à Bienne.\n");
  RunResult r = run_cartable(dir, "build --out build/after");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string before, after;
  for (const auto& l : content_lines(event_block(read(dir / "build/before/calendrier.ics"), "m2-reseau"))) before += l + "\n";
  for (const auto& l : content_lines(event_block(read(dir / "build/after/calendrier.ics"), "m2-reseau"))) after += l + "\n";
  EXPECT_NE(before.find("SEQUENCE:0\n"), std::string::npos);
  EXPECT_NE(after.find("SEQUENCE:1\n"), std::string::npos);
  EXPECT_NE(after.find("UID:m2-reseau@cas-cne.hep-bejune.ch\n"), std::string::npos);
  EXPECT_NE(after.find("DTSTART;TZID=Europe/Zurich:20270619T090000\n"), std::string::npos);
  EXPECT_NE(after.find("LOCATION:HEP-BEJUNE\\, site de Bienne"), std::string::npos) << after;
  // The other events did not change a byte, DTSTAMP included: each event's
  // comes from its own history.
  EXPECT_EQ(read(dir / "build/after/modules/m3/calendrier.ics"), read(dir / "build/before/modules/m3/calendrier.ics"));
}

TEST_F(Calendar, ReorderingTheYamlChangesNoByteOfAnyFeed) {
  ASSERT_EQ(run_cartable(dir, "build --out build/ordered").status, 0);
  // Reverse the order of the session entries in the file.
  std::string text = read(calendar);
  size_t first = text.find("  - id: ");
  std::vector<std::string> blocks;
  for (size_t at = first; at != std::string::npos;) {
    size_t next = text.find("  - id: ", at + 1);
    std::string block = text.substr(at, next == std::string::npos ? std::string::npos : next - at);
    while (!block.empty() && block.back() == '\n') block.pop_back();
    // Drop the module comment lines that precede the next block.
    if (auto c = block.find("\n\n"); c != std::string::npos) block.erase(c);
    blocks.push_back(block + "\n");
    at = next;
  }
  ASSERT_EQ(blocks.size(), 21u);
  std::string reversed = text.substr(0, first);
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) reversed += *it;
  write(calendar, reversed);
  RunResult r = run_cartable(dir, "build --out build/reversed");
  ASSERT_EQ(r.status, 0) << r.err;
  size_t feeds = 0;
  auto a = snapshot(dir / "build/ordered");
  auto b = snapshot(dir / "build/reversed");
  for (const auto& [path, bytes] : a) {
    if (path.size() > 4 && path.substr(path.size() - 4) == ".ics") {
      EXPECT_EQ(bytes, b[path]) << path;
      ++feeds;
    }
  }
  EXPECT_EQ(feeds, 26u);
  EXPECT_EQ(a, b);  // and no page changed either
}

TEST_F(Calendar, PreviousFeedCheckCatchesSilentChanges) {
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  fs::copy_file(dir / "public/calendrier.ics", dir / "published.ics");
  EXPECT_EQ(run_cartable(dir, "check --previous-ics published.ics").status, 0);
  // Moved by an hour, without telling anyone.
  replace_in_file(calendar, "start: 2027-09-15 13:30", "start: 2027-09-15 14:30");
  RunResult silent = run_cartable(dir, "check --previous-ics published.ics");
  EXPECT_EQ(silent.status, 1);
  auto [line, col] = position_of(calendar, "  - id: m3-prevention");
  EXPECT_NE(silent.err.find("content/calendar.yaml:" + std::to_string(line) + ":"), std::string::npos) << silent.err;
  EXPECT_NE(silent.err.find("session m3-prevention changed (time) since the published feed, without a new history entry"),
            std::string::npos)
      << silent.err;
  // Now with a history entry: accepted.
  replace_in_file(calendar, "    speakers: [carole-barraud-vial]\n",
                  "    speakers: [carole-barraud-vial]\n    history:\n      - date: 2027-08-20\n        note: Début à 14h30.\n");
  RunResult told = run_cartable(dir, "check --previous-ics published.ics");
  EXPECT_EQ(told.status, 0) << told.err;
  // A session dropped from the calendar is a warning: subscribers keep it.
  std::string text = read(calendar);
  auto begin = text.find("  - id: m2-strategie-composantes");
  auto end = text.find("  - id: m2-strategie-travail");
  write(calendar, text.substr(0, begin) + text.substr(end));
  RunResult dropped = run_cartable(dir, "check --previous-ics published.ics");
  EXPECT_EQ(dropped.status, 0);
  EXPECT_NE(dropped.err.find("warning: session m2-strategie-composantes was published but is no longer in content/calendar.yaml"),
            std::string::npos)
      << dropped.err;
}

TEST_F(Calendar, PreviousFeedCheckSeesEveryFieldASubscriberSees) {
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  fs::copy_file(dir / "public/calendrier.ics", dir / "published.ics");
  std::string original = read(calendar);
  // A new title, silently.
  replace_in_file(calendar, "title: Tour d'horizon de projets numériques", "title: Tour d'horizon de projets");
  RunResult title = run_cartable(dir, "check --previous-ics published.ics");
  EXPECT_EQ(title.status, 1);
  EXPECT_NE(title.err.find("session m2-tour-horizon changed (title) since the published feed, without a new history entry"),
            std::string::npos)
      << title.err;
  // A speaker removed, silently.
  write(calendar, original);
  replace_in_file(calendar, "speakers: [philippe-ruffieux, patrick-vuilleumier]", "speakers: [philippe-ruffieux]");
  RunResult speaker = run_cartable(dir, "build --previous-ics published.ics --out build/after");
  EXPECT_EQ(speaker.status, 1);
  EXPECT_NE(speaker.err.find("session m2-tour-horizon changed (speakers) since the published feed"), std::string::npos)
      << speaker.err;
  EXPECT_FALSE(fs::exists(dir / "build/after"));
  // Told in the history: accepted.
  replace_in_file(calendar, "speakers: [philippe-ruffieux]\n",
                  "speakers: [philippe-ruffieux]\n    history:\n      - date: 2027-05-02\n        note: Patrick Vuilleumier ne peut pas venir.\n");
  EXPECT_EQ(run_cartable(dir, "check --previous-ics published.ics").status, 0);
  // An id changed: reported as a rename, at the new id.
  write(calendar, original);
  replace_in_file(calendar, "  - id: m2-tour-horizon\n", "  - id: m2-tour-d-horizon\n");
  RunResult renamed = run_cartable(dir, "check --previous-ics published.ics");
  EXPECT_EQ(renamed.status, 1);
  auto [line, col] = position_of(calendar, "  - id: m2-tour-d-horizon");
  EXPECT_NE(renamed.err.find("content/calendar.yaml:" + std::to_string(line) + ":"), std::string::npos) << renamed.err;
  EXPECT_NE(renamed.err.find("session m2-tour-d-horizon was published as m2-tour-horizon: its id changed"), std::string::npos)
      << renamed.err;
}

TEST_F(Calendar, MovedSessionRemembersWhereItWasFromThePreviousFeed) {
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  fs::copy_file(dir / "public/calendrier.ics", dir / "published.ics");
  replace_in_file(calendar, "start: 2027-06-05 09:00\n    end: 2027-06-05 16:45\n    place: en-ligne\n",
                  "start: 2027-06-19 09:00\n    end: 2027-06-19 16:45\n    place: sbi\n"
                  "    history:\n      - date: 2027-04-02\n        note: Nouvelle date.\n");
  RunResult r = run_cartable(dir, "build --previous-ics published.ics --out build/after");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("from: {start: 2027-06-05 09:00, end: 2027-06-05 16:45, place: en-ligne}"), std::string::npos) << r.err;
  std::string atom = read(dir / "build/after/calendrier/modifications/atom.xml");
  EXPECT_NE(atom.find("<title>Déplacée : Comment s&#39;informer"), std::string::npos) << atom;
  EXPECT_NE(atom.find("Déplacée du samedi 5 juin 2027, 09h00–16h45 (En ligne) au samedi 19 juin 2027, 09h00–16h45 (SBI)"),
            std::string::npos)
      << atom;
}

TEST_F(Calendar, MovedSessionShowsWhereAndWhenItWas) {
  replace_in_file(calendar, "start: 2027-06-05 09:00\n    end: 2027-06-05 16:45\n    place: en-ligne\n",
                  "start: 2027-06-26 09:00\n    end: 2027-06-26 16:45\n    place: sbi\n"
                  "    history:\n      - date: 2027-04-02\n        note: Nouvelle date.\n"
                  "        from: {start: 2027-06-05 09:00, end: 2027-06-05 16:45, place: en-ligne}\n"
                  "      - date: 2027-05-03\n        note: Encore déplacée.\n"
                  "        from: {start: 2027-06-19 09:00, end: 2027-06-19 16:45, place: sde}\n");
  RunResult r = run_cartable(dir, "build");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string first = "Déplacée du samedi 5 juin 2027, 09h00–16h45 (En ligne) au samedi 19 juin 2027, 09h00–16h45 (SDE)";
  std::string second = "Déplacée du samedi 19 juin 2027, 09h00–16h45 (SDE) au samedi 26 juin 2027, 09h00–16h45 (SBI)";
  std::string page = visible_text(read(dir / "public/seances/m2-reseau/index.html"));
  EXPECT_NE(page.find(first), std::string::npos) << page;
  std::string html = read(dir / "public/seances/m2-reseau/index.html");
  EXPECT_NE(html.find("\"eventStatus\": \"https://schema.org/EventRescheduled\""), std::string::npos);
  EXPECT_NE(html.find("\"previousStartDate\": \"2027-06-05T09:00:00+02:00\""), std::string::npos);
  std::string changes = visible_text(read(dir / "public/calendrier/modifications/index.html"));
  EXPECT_LT(changes.find(second), changes.find(first));  // newest first
  EXPECT_NE(page.find(second), std::string::npos) << page;
  // The calendar marks it, with its latest move.
  std::string calendar_page = read(dir / "public/calendrier/index.html");
  size_t at = calendar_page.find("/seances/m2-reseau/");
  ASSERT_NE(at, std::string::npos);
  std::string item = visible_text(calendar_page.substr(calendar_page.rfind("<li", at), 1500));
  EXPECT_NE(item.find("Déplacée"), std::string::npos) << item;
  EXPECT_NE(item.find(second), std::string::npos) << item;
  EXPECT_EQ(item.find(first), std::string::npos) << item;
}

TEST_F(Calendar, SessionFileIsAOneTimeCopyAndThePageSaysSo) {
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  std::string page = read(dir / "public/seances/m2-reseau/index.html");
  EXPECT_NE(visible_text(page).find("il ne se met jamais à jour"), std::string::npos);
  EXPECT_NE(page.find("href=\"/calendrier/#abonnement\""), std::string::npos);
  std::string cal = read(dir / "public/calendrier/index.html");
  EXPECT_NE(cal.find("https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fcas-cne.hep-bejune.ch%2Fcalendrier.ics"),
            std::string::npos);
  EXPECT_NE(cal.find("https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fcas-cne.hep-bejune.ch%2Fcalendrier.ics"),
            std::string::npos);
  EXPECT_NE(cal.find("value=\"https://cas-cne.hep-bejune.ch/calendrier.ics\""), std::string::npos);
  EXPECT_NE(visible_text(cal).find("demandé aux agendas : 12 heures"), std::string::npos);
}

TEST_F(Calendar, ServersAreToldTheFeedsMediaTypes) {
  ASSERT_EQ(run_cartable(dir, "build").status, 0);
  std::string htaccess = read(dir / "public/.htaccess");
  EXPECT_NE(htaccess.find("AddType \"text/calendar; charset=utf-8\" .ics"), std::string::npos) << htaccess;
  EXPECT_NE(htaccess.find("ForceType \"application/atom+xml; charset=utf-8\""), std::string::npos);
  std::string nginx = read(dir / "public/nginx-types.conf");
  EXPECT_NE(nginx.find("location ~ \\.ics$ {\n  types { }\n  default_type \"text/calendar; charset=utf-8\";"), std::string::npos)
      << nginx;
  EXPECT_NE(nginx.find("default_type \"application/atom+xml; charset=utf-8\";"), std::string::npos);
}

TEST_F(Calendar, HistoryDatedAfterTheProgrammesPeriod) {
  replace_in_file(calendar, "    end: 2027-03-24 17:30\n    place: sde\n",
                  "    end: 2027-03-24 17:30\n    place: sde\n    history:\n      - date: 2062-02-10\n        note: Salle B201.\n");
  ::setenv("SOURCE_DATE_EPOCH", "2900000000", 1);  // even with a reference date after it
  auto [line, col] = position_of(calendar, "date: 2062-02-10");
  RunResult r = run_cartable(dir, "build");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("content/calendar.yaml:" + std::to_string(line) + ":"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("history entry of session m3-equipement is dated 2062-02-10, after the end of the programme's period "
                       "(2028-07-31)"),
            std::string::npos)
      << r.err;
}

TEST_F(Calendar, HistoryDatedAfterTheReferenceDate) {
  expect_error("    end: 2027-03-24 17:30\n    place: sde\n",
               "    end: 2027-03-24 17:30\n    place: sde\n    history:\n      - date: 2027-12-10\n        note: Salle B201.\n",
               "date: 2027-12-10", "is dated 2027-12-10, after the build's reference date (2027-09-01)");
}

TEST_F(Calendar, HistoryDatedBeforeTheCalendarExisted) {
  expect_error("    end: 2027-03-24 17:30\n    place: sde\n",
               "    end: 2027-03-24 17:30\n    place: sde\n    history:\n      - date: 2025-12-10\n        note: Salle B201.\n",
               "date: 2025-12-10", "before the calendar was first published (2026-09-01)");
}

TEST_F(Calendar, BaseSessionsOverlappingInDifferentPlaces) {
  // The afternoon of 22 May 2027 moved to Bienne and into the morning session at Delémont.
  expect_error("start: 2027-05-22 13:30\n    end: 2027-05-22 17:30\n    place: sde",
               "start: 2027-05-22 11:00\n    end: 2027-05-22 17:30\n    place: sbi", "start: 2027-05-22 11:00",
               "session m3-communication overlaps m2-tour-horizon (2027-05-22 09:00 to 12:00): the cohort attends every base session");
}

TEST_F(Calendar, ParallelSessionsMayOverlapElsewhere) {
  replace_in_file(calendar, "start: 2027-05-22 13:30\n    end: 2027-05-22 17:30\n    place: sde",
                  "start: 2027-05-22 11:00\n    end: 2027-05-22 17:30\n    place: sbi\n    parallel: true");
  replace_in_file(calendar, "  - id: m2-tour-horizon\n", "  - id: m2-tour-horizon\n    parallel: true\n");
  RunResult r = run_cartable(dir, "build");
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(Calendar, RefreshIntervalMustBeADuration) {
  replace_in_file(dir / "site.yaml", "refresh: PT12H", "refresh: 12h");
  RunResult r = run_cartable(dir, "build");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("calendar.refresh '12h' is not a duration in hours, minutes or days"), std::string::npos) << r.err;
}

TEST_F(Calendar, ZeroLengthSession) {
  expect_error("end: 2027-03-24 17:30", "end: 2027-03-24 13:30", "end: 2027-03-24 13:30",
               "session m3-equipement ends when it starts (2027-03-24 13:30)");
}

TEST_F(Calendar, EndBeforeStart) {
  expect_error("end: 2027-03-24 17:30", "end: 2027-03-24 12:30", "end: 2027-03-24 12:30",
               "session m3-equipement ends (2027-03-24 12:30) before it starts (2027-03-24 13:30)");
}

TEST_F(Calendar, OutsideTheProgrammesPeriod) {
  expect_error("start: 2028-03-22 13:30\n    end: 2028-03-22 17:30", "start: 2028-09-22 13:30\n    end: 2028-09-22 17:30",
               "end: 2028-09-22 17:30", "session m4-formation-adultes-4 ends (2028-09-22 17:30) after the programme's period");
}

TEST_F(Calendar, TwoSessionsInTheSameRoomAtOnce) {
  // The afternoon of 22 May 2027 at SDE, moved into the morning session.
  expect_error("start: 2027-05-22 13:30", "start: 2027-05-22 11:00", "start: 2027-05-22 11:00",
               "session m3-communication overlaps m2-tour-horizon at SDE");
}

TEST_F(Calendar, ATimeSkippedByDaylightSaving) {
  expect_error("start: 2027-03-24 13:30\n    end: 2027-03-24 17:30", "start: 2027-03-28 02:30\n    end: 2027-03-28 17:30",
               "start: 2027-03-28 02:30", "2027-03-28 02:30 does not exist in Europe/Zurich");
}

TEST_F(Calendar, ATimeRepeatedByDaylightSaving) {
  expect_error("start: 2027-09-15 13:30\n    end: 2027-09-15 17:30", "start: 2027-10-31 02:15\n    end: 2027-10-31 17:30",
               "start: 2027-10-31 02:15", "2027-10-31 02:15 happens twice in Europe/Zurich");
}

TEST_F(Calendar, UnknownPlaceWithHint) {
  expect_error("    place: sbi\n    speakers: [nicolas-martignoni]", "    place: sbj\n    speakers: [nicolas-martignoni]",
               "place: sbj", "unknown place 'sbj'\n  hint: did you mean sbi?");
}

TEST_F(Calendar, UnknownModuleWithHint) {
  expect_error("  - id: m3-equipement\n    module: m3", "  - id: m3-equipement\n    module: m33", "module: m33",
               "unknown module 'm33'\n  hint: did you mean m3?");
}

TEST_F(Calendar, UnknownSpeakerWithHint) {
  expect_error("speakers: [simon-morard]", "speakers: [simon-mourad]", "simon-mourad",
               "unknown person 'simon-mourad'\n  hint: did you mean simon-morard?");
}

TEST_F(Calendar, NotADate) {
  expect_error("start: 2027-06-05 09:00", "start: 2027-06-31 09:00", "start: 2027-06-31 09:00",
               "'2027-06-31 09:00' is not a real date and time");
}
