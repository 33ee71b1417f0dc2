// Oracle: parse every .ics cartable wrote with ical.js (npm), resolving
// TZID=Europe/Zurich only through the VTIMEZONE the feed itself carries, and
// check each event's start and end instants against the seed programme.
//
// usage: node ics_icaljs.mjs PUBLIC_DIR SEED_FILE
//        node ics_icaljs.mjs --dump PUBLIC_DIR   each event normalized, for ics_agree.py
// Expected UTC instants come from the seed's local times and the EU summer
// time rule written out below, not from a tz library.
import fs from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';

if (process.argv[2] === '--dump') {
  dump(process.argv[3]);
  process.exit(0);
}
const [publicDir, seedFile] = process.argv.slice(2);
const failures = [];
const check = (cond, msg) => { if (!cond) failures.push(msg); };

// EU rule since 1996: summer time from the last Sunday of March, 01:00 UTC,
// to the last Sunday of October, 01:00 UTC. Central Europe: UTC+1, +2 in summer.
function lastSundayUtc(year, month /* 0-based */) {
  const d = new Date(Date.UTC(year, month + 1, 0, 1));  // last day of month, 01:00 UTC
  d.setUTCDate(d.getUTCDate() - d.getUTCDay());
  return d.getTime();
}
function zurichToUtc(y, mo, d, h, mi) {
  const asWinter = Date.UTC(y, mo - 1, d, h - 1, mi);
  const summer = asWinter - 3600e3 >= lastSundayUtc(y, 2) && asWinter < lastSundayUtc(y, 9);
  return summer ? asWinter - 3600e3 : asWinter;
}
check(new Date(zurichToUtc(2027, 3, 13, 9, 0)).toISOString() === '2027-03-13T08:00:00.000Z', 'rule: 13 March 2027 is UTC+1');
check(new Date(zurichToUtc(2027, 5, 22, 9, 0)).toISOString() === '2027-05-22T07:00:00.000Z', 'rule: 22 May 2027 is UTC+2');

const row = /^([^\t\n]+)\t(\d{1,2})\/(\d{2})\/(\d{4}) (\d{2})h(\d{2})-(\d{2})h(\d{2})\t(SBI|SDE|En ligne)/gm;
const expected = new Map();
for (const m of fs.readFileSync(seedFile, 'utf8').matchAll(row)) {
  const [, title, d, mo, y, h1, m1, h2, m2] = m;
  const start = zurichToUtc(+y, +mo, +d, +h1, +m1);
  expected.set(start, { title: title.trim(), end: zurichToUtc(+y, +mo, +d, +h2, +m2) });
}
check(expected.size === 21, `seed parse found ${expected.size} sessions`);

function field(v) {
  return String(v ?? '').replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}
function utc(t) {
  return new Date(t.toUnixTime() * 1000).toISOString().replace(/[-:]/g, '').replace('.000', '');
}
function dump(dir) {
  for (const file of feeds(dir).sort()) {
    ICAL.TimezoneService.reset();
    const root = new ICAL.Component(ICAL.parse(fs.readFileSync(file, 'utf8')));
    for (const z of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(z);
    for (const ve of root.getAllSubcomponents('vevent')) {
      const ev = new ICAL.Event(ve);
      const row = [path.relative(dir, file), ev.uid, utc(ev.startDate), utc(ev.endDate), ve.getFirstPropertyValue('status'),
        ve.getFirstPropertyValue('transp'), ev.sequence, ev.summary, ev.location, ev.description, ve.getFirstPropertyValue('url')];
      console.log(row.map(field).join('\t'));
    }
  }
}

function feeds(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? feeds(p) : e.name.endsWith('.ics') ? [p] : [];
  });
}

let mainEvents = 0;
const files = feeds(publicDir);
for (const file of files) {
  ICAL.TimezoneService.reset();
  const root = new ICAL.Component(ICAL.parse(fs.readFileSync(file, 'utf8')));
  const zones = root.getAllSubcomponents('vtimezone');
  check(zones.length === 1, `${file}: ${zones.length} VTIMEZONE`);
  for (const z of zones) ICAL.TimezoneService.register(z);
  check(root.getFirstPropertyValue('version') === '2.0', `${file}: VERSION`);
  check(!!root.getFirstPropertyValue('prodid'), `${file}: PRODID`);
  for (const ve of root.getAllSubcomponents('vevent')) {
    const ev = new ICAL.Event(ve);
    check(ev.startDate.zone && ev.startDate.zone.tzid === 'Europe/Zurich', `${file}: ${ev.summary}: zone not resolved from the VTIMEZONE`);
    const start = ev.startDate.toUnixTime() * 1000;
    const end = ev.endDate.toUnixTime() * 1000;
    const seed = expected.get(start);
    if (!seed) { failures.push(`${file}: ${ev.summary} starts ${new Date(start).toISOString()}, not a seed session`); continue; }
    check(end === seed.end, `${file}: ${ev.summary}: ends ${new Date(end).toISOString()}, seed ${new Date(seed.end).toISOString()}`);
    check(seed.title.startsWith(ev.summary), `${file}: summary ${ev.summary} vs seed ${seed.title}`);
    check(/@/.test(ev.uid), `${file}: UID ${ev.uid}`);
    if (path.relative(publicDir, file) === 'calendrier.ics') mainEvents++;
  }
}
check(mainEvents === 21, `calendrier.ics has ${mainEvents} events`);
for (const f of failures) console.log('FAIL:', f);
console.log(`${files.length} feeds, ${mainEvents} events in calendrier.ics, ${failures.length} failures`);
process.exit(failures.length ? 1 : 0);
