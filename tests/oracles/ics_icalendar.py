#!/usr/bin/python3
"""Oracle: parse every .ics cartable wrote with python3-icalendar (Debian) and
check each event's start and end instants against the seed programme.

usage: ics_icalendar.py PUBLIC_DIR SEED_FILE
Expected values come from the seed text and Python's zoneinfo, not from
cartable's sources.
"""
import datetime
import pathlib
import re
import sys
import zoneinfo

import icalendar

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
UTC = datetime.timezone.utc
PLACES = {"SBI": "HEP-BEJUNE, site de Bienne", "SDE": "HEP-BEJUNE, site de Delémont", "En ligne": "En ligne"}
ROW = re.compile(r"^(?P<title>[^\t\n]+)\t(?P<d>\d{1,2})/(?P<m>\d{2})/(?P<y>\d{4}) "
                 r"(?P<h1>\d{2})h(?P<m1>\d{2})-(?P<h2>\d{2})h(?P<m2>\d{2})\t(?P<place>SBI|SDE|En ligne)", re.M)

failures = []


def check(cond, message):
    if not cond:
        failures.append(message)


def seed_sessions(path):
    sessions = {}
    for m in ROW.finditer(pathlib.Path(path).read_text(encoding="utf-8")):
        day = datetime.date(int(m["y"]), int(m["m"]), int(m["d"]))
        start = datetime.datetime.combine(day, datetime.time(int(m["h1"]), int(m["m1"])), ZURICH)
        end = datetime.datetime.combine(day, datetime.time(int(m["h2"]), int(m["m2"])), ZURICH)
        sessions[start.astimezone(UTC)] = (m["title"].strip(), end.astimezone(UTC), m["place"])
    return sessions


def events(path):
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return list(cal.walk("VEVENT"))


def main():
    public, seed = pathlib.Path(sys.argv[1]), sys.argv[2]
    expected = seed_sessions(seed)
    check(len(expected) == 21, f"seed parse found {len(expected)} sessions, expected 21")

    # The two instants the issue names, computed by hand: winter and summer time.
    check(datetime.datetime(2027, 3, 13, 9, tzinfo=ZURICH).astimezone(UTC).hour == 8, "13 March 2027 is UTC+1")
    check(datetime.datetime(2027, 5, 22, 9, tzinfo=ZURICH).astimezone(UTC).hour == 7, "22 May 2027 is UTC+2")

    feeds = sorted(public.rglob("*.ics"))
    check(len(feeds) >= 1 + 4 + 21, f"only {len(feeds)} .ics files")
    seen_in_main = set()
    uids = {}
    for feed in feeds:
        evs = events(feed)
        check(evs, f"{feed}: no events")
        for ev in evs:
            start = ev.decoded("DTSTART")
            end = ev.decoded("DTEND")
            check(start.tzinfo is not None, f"{feed}: floating DTSTART")
            start, end = start.astimezone(UTC), end.astimezone(UTC)
            summary = str(ev["SUMMARY"])
            uid = str(ev["UID"])
            if start not in expected:
                failures.append(f"{feed}: {summary}: start {start} is not a session of the seed")
                continue
            title, seed_end, place = expected[start]
            check(end == seed_end, f"{feed}: {summary}: ends {end}, seed says {seed_end}")
            check(title.startswith(summary), f"{feed}: summary {summary!r} is not the seed's {title!r}")
            check(str(ev["LOCATION"]).startswith(PLACES[place]), f"{feed}: {summary}: location {ev['LOCATION']!r}")
            check(uids.setdefault(uid, start) == start, f"{uid} has two different starts")
            if feed.name == "calendrier.ics" and feed.parent == public:
                seen_in_main.add(start)
    missing = set(expected) - seen_in_main
    check(not missing, f"calendrier.ics lacks {sorted(missing)}")
    for f in failures:
        print("FAIL:", f)
    print(f"{len(feeds)} feeds, {len(seen_in_main)} events in calendrier.ics, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
