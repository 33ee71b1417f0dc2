#!/usr/bin/python3
"""Oracle: six independent iCalendar parsers must read every feed the same.

usage: ics_agree.py --libical BIN --icaljs SCRIPT PUBLIC_DIR
       ics_agree.py --libical BIN --icaljs SCRIPT --states CARTABLE SOURCE_DIR

Each parser prints every event of every .ics as one normalized line (feed,
UID, start and end in UTC, STATUS, TRANSP, SEQUENCE, SUMMARY, LOCATION,
DESCRIPTION, URL): python3-icalendar and python3-vobject here, libical
(ics_libical.c, which also runs its iTIP restriction checks), ical.js,
Ruby's icalendar and node-ical. vobject, libical, ical.js and Ruby compute
instants through the VTIMEZONE of the file itself; python3-icalendar and
node-ical through the tz database. All lines must be equal.

With --states, builds a copy of SOURCE_DIR in which one session is
cancelled, one tentative and one moved twice, and also checks what every
parser reads for those three: title prefixes, TRANSP, SEQUENCE and times.
"""
import argparse
import datetime
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import icalendar
import vobject

UTC = datetime.timezone.utc


def field(value):
    return str("" if value is None else value).replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def utc(value):
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def feeds(public):
    return sorted(p for p in public.rglob("*.ics"))


def dump_icalendar(public):
    rows = []
    for feed in feeds(public):
        for ev in icalendar.Calendar.from_ical(feed.read_bytes()).walk("VEVENT"):
            rows.append("\t".join(field(v) for v in [
                feed.relative_to(public), ev["UID"], utc(ev.decoded("DTSTART")), utc(ev.decoded("DTEND")),
                ev.get("STATUS"), ev.get("TRANSP"), ev.get("SEQUENCE"), ev.get("SUMMARY"), ev.get("LOCATION"),
                ev.get("DESCRIPTION"), ev.get("URL")]))
    return rows


def dump_vobject(public):
    rows = []
    for feed in feeds(public):
        cal = vobject.readOne(feed.read_text(encoding="utf-8"))
        for ev in cal.vevent_list:
            def v(name):
                return getattr(ev, name).value if hasattr(ev, name) else ""
            rows.append("\t".join(field(x) for x in [
                feed.relative_to(public), v("uid"), utc(v("dtstart")), utc(v("dtend")), v("status"), v("transp"),
                v("sequence"), v("summary"), v("location"), v("description"), v("url")]))
    return rows


def dump_external(name, command):
    run = subprocess.run(command, capture_output=True, text=True)
    sys.stderr.write(run.stderr)
    if run.returncode != 0:
        raise SystemExit(f"FAIL: {name} exited with {run.returncode}")
    return [line for line in run.stdout.splitlines() if line]


def dumps(args, public):
    return {
        "python3-icalendar": sorted(dump_icalendar(public)),
        "python3-vobject": sorted(dump_vobject(public)),
        "libical": sorted(dump_external("libical", [args.libical, "--dump", str(public)])),
        "ical.js": sorted(dump_external("ical.js", ["node", args.icaljs, "--dump", str(public)])),
        "ruby-icalendar": sorted(dump_external("ruby-icalendar", ["ruby", args.ruby, str(public)])),
        "node-ical": sorted(dump_external("node-ical", ["node", args.nodeical, str(public)])),
    }


def compare(all_rows):
    failures = []
    reference_name, reference = next(iter(all_rows.items()))
    for name, rows in all_rows.items():
        if rows != reference:
            a, b = set(reference) - set(rows), set(rows) - set(reference)
            failures.append(f"{name} differs from {reference_name}:\n  only in {reference_name}: {sorted(a)[:3]}\n"
                            f"  only in {name}: {sorted(b)[:3]}")
    if not reference:
        failures.append("no events at all")
    return failures


# The fixture of --states: edits of content/calendar.yaml (see tests/calendar_test.cpp for the same sessions).
STATES = [
    ("    end: 2027-03-24 17:30\n    place: sde\n",
     "    end: 2027-03-24 17:30\n    place: sde\n    status: cancelled\n"
     "    history:\n      - date: 2027-02-10\n        note: Séance annulée.\n"),
    ("start: 2027-09-15 13:30\n    end: 2027-09-15 17:30\n",
     "start: 2027-09-15 13:30\n    end: 2027-09-15 17:30\n    status: tentative\n"),
    ("start: 2027-06-05 09:00\n    end: 2027-06-05 16:45\n    place: en-ligne\n",
     "start: 2027-06-26 09:00\n    end: 2027-06-26 16:45\n    place: sbi\n"
     "    history:\n      - date: 2027-04-02\n        note: Déplacée au 19 juin, à Delémont.\n"
     "        from: {start: 2027-06-05 09:00, end: 2027-06-05 16:45, place: en-ligne}\n"
     "      - date: 2027-05-03\n        note: Déplacée au 26 juin, à Bienne.\n"
     "        from: {start: 2027-06-19 09:00, end: 2027-06-19 16:45, place: sde}\n"),
]
EXPECTED = {  # uid prefix -> (summary prefix, TRANSP, SEQUENCE, STATUS, start UTC)
    "m3-equipement": ("Annulée : ", "TRANSPARENT", "1", "CANCELLED", "20270324T123000Z"),
    "m3-prevention": ("À confirmer : ", "OPAQUE", "0", "TENTATIVE", "20270915T113000Z"),
    "m2-reseau": ("", "OPAQUE", "2", "CONFIRMED", "20270626T070000Z"),
}


def check_states(all_rows):
    failures = []
    for name, rows in all_rows.items():
        seen = set()
        for row in rows:
            feed, uid, start, _, status, transp, seq, summary = row.split("\t")[:8]
            key = uid.split("@")[0]
            if key not in EXPECTED:
                continue
            prefix, want_transp, want_seq, want_status, want_start = EXPECTED[key]
            seen.add(key)
            prefixed = summary.startswith(prefix) if prefix else not summary.startswith(("Annulée", "À confirmer"))
            got = (prefixed, transp, seq, status, start)
            if got != (True, want_transp, want_seq, want_status, want_start):
                failures.append(f"{name}: {feed}: {key}: read {summary!r} {got[1:]}, expected prefix {prefix!r} "
                                f"{(want_transp, want_seq, want_status, want_start)}")
        if seen != set(EXPECTED):
            failures.append(f"{name}: missing {set(EXPECTED) - seen}")
    return failures


def build_states(cartable, source, work):
    site = work / "site"
    shutil.copytree(source, site, ignore=shutil.ignore_patterns("build", "public", ".git", "node_modules", "tests", "bench"))
    calendar = site / "content" / "calendar.yaml"
    text = calendar.read_text(encoding="utf-8")
    for old, new in STATES:
        if text.count(old) != 1:
            raise SystemExit(f"FAIL: fixture edit does not apply: {old!r}")
        text = text.replace(old, new)
    calendar.write_text(text, encoding="utf-8")
    # 1 June 2027: after every history date of the fixture.
    env = dict(os.environ, SOURCE_DATE_EPOCH="1811808000")
    run = subprocess.run([cartable, "build", "--no-search", "--out", str(work / "public")], cwd=site, env=env,
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"FAIL: cartable build of the fixture:\n{run.stderr}")
    return work / "public"


def main():
    parser = argparse.ArgumentParser()
    here = pathlib.Path(__file__).parent
    parser.add_argument("--libical", required=True)
    parser.add_argument("--icaljs", default=str(here / "ics_icaljs.mjs"))
    parser.add_argument("--ruby", default=str(here / "ics_ruby.rb"))
    parser.add_argument("--nodeical", default=str(here / "ics_nodeical.mjs"))
    parser.add_argument("--states", nargs=2, metavar=("CARTABLE", "SOURCE_DIR"))
    parser.add_argument("public", nargs="?")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cartable-ics-agree-") as tmp:
        public = build_states(args.states[0], args.states[1], pathlib.Path(tmp)) if args.states else pathlib.Path(args.public)
        all_rows = dumps(args, public)
        failures = compare(all_rows)
        if args.states:
            failures += check_states(all_rows)
    for f in failures:
        print("FAIL:", f)
    counts = ", ".join(f"{name} {len(rows)}" for name, rows in all_rows.items())
    print(f"events read: {counts}; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
