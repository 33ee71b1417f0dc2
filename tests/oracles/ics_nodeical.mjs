// Oracle: every .ics under PUBLIC_DIR parsed by node-ical (npm), which
// resolves TZID by its name in the tz database (through Intl), not through
// the file's VTIMEZONE. Prints each event normalized, as ics_agree.py
// compares them; any exception fails.
//
// usage: node ics_nodeical.mjs PUBLIC_DIR
import fs from 'node:fs';
import path from 'node:path';
import ical from 'node-ical';

const value = (v) => (v && typeof v === 'object' && 'val' in v ? v.val : v);
const field = (v) => String(value(v) ?? '').replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
const utc = (d) => d.toISOString().replace(/[-:]/g, '').replace('.000', '');

function feeds(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? feeds(p) : e.name.endsWith('.ics') ? [p] : [];
  });
}

const root = process.argv[2];
let failures = 0;
const files = feeds(root).sort();
for (const file of files) {
  try {
    for (const ev of Object.values(ical.sync.parseFile(file))) {
      if (ev.type !== 'VEVENT') continue;
      const row = [path.relative(root, file), ev.uid, utc(ev.start), utc(ev.end), ev.status, ev.transparency, ev.sequence,
        ev.summary, ev.location, ev.description, ev.url];
      console.log(row.map(field).join('\t'));
    }
  } catch (e) {
    console.error(`FAIL: ${file}: ${e.message}`);
    failures++;
  }
}
console.error(`node-ical: ${files.length} feeds, ${failures} failures`);
process.exit(failures || files.length === 0 ? 1 : 0);
