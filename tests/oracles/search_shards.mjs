// Sharded search gives the same results as one full index: a site built by
// cartable (its index in shards merged at query time) is copied, the copy is
// indexed whole by Pagefind itself, and headless Chromium (Debian's, driven
// by playwright-core) runs the same queries through Pagefind's JS API on both.
//
// usage: node search_shards.mjs PAGEFIND SITE_DIR MIN_SHARDS WORD...
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const [pagefind, siteDir, minShards, ...words] = process.argv.slice(2);
const shards = JSON.parse(fs.readFileSync(path.join(siteDir, 'pagefind/shards.json'), 'utf8'));
let failed = false;
if (shards.length < Number(minShards)) {
  console.log(`FAIL: ${shards.length} shard(s), expected at least ${minShards}`);
  failed = true;
}

// The oracle: the same pages, indexed in one go.
const whole = fs.mkdtempSync(path.join(os.tmpdir(), 'cartable-search-whole-'));
fs.cpSync(siteDir, whole, { recursive: true });
fs.rmSync(path.join(whole, 'pagefind'), { recursive: true, force: true });
execFileSync(pagefind, ['--site', whole, '--force-language', 'fr', '--silent']);

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm' };
function serve(root) {
  const server = http.createServer((req, res) => {
    let file = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(path.resolve(root))) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// URLs of every result of `word`, through Pagefind's API as the search page loads it.
async function results(page, base, merge, word) {
  await page.goto(`${base}/recherche/`);
  return page.evaluate(async ({ merge, word }) => {
    const pf = await import('/pagefind/pagefind.js');
    await pf.options({});
    for (const shard of merge) await pf.mergeIndex(`/pagefind/${shard}`);
    const search = await pf.search(word);
    const data = await Promise.all(search.results.map((r) => r.data()));
    return data.map((d) => d.url).sort();
  }, { merge, word });
}

const sharded = await serve(siteDir);
const full = await serve(whole);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  for (const word of words) {
    const a = await results(page, `http://127.0.0.1:${sharded.address().port}`, shards, word);
    const b = await results(page, `http://127.0.0.1:${full.address().port}`, [], word);
    const same = JSON.stringify(a) === JSON.stringify(b);
    console.log(`${same ? 'ok  ' : 'FAIL'} "${word}": ${a.length} result(s) sharded, ${b.length} whole`);
    if (!same || b.length === 0) failed = true;
  }
} catch (e) {
  console.log('FAIL:', e.message);
  failed = true;
} finally {
  await browser.close();
  sharded.close();
  full.close();
  fs.rmSync(whole, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
