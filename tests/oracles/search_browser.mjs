// Browser check: in headless Chromium (Debian's, driven by playwright-core),
// the search page of a built site finds an entry by a word that occurs only
// in the entry's body.
//
// usage: node search_browser.mjs SITE_DIR WORD EXPECTED_PATH
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [siteDir, word, expectedPath] = process.argv.slice(2);
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png' };

// A small static server on a free loopback port.
const server = http.createServer((req, res) => {
  let file = path.join(siteDir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(path.resolve(siteDir))) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/recherche/`);
  const input = page.locator('.pagefind-ui__search-input');
  await input.waitFor({ timeout: 15000 });
  await input.fill(word);
  const link = page.locator(`a.pagefind-ui__result-link[href*="${expectedPath}"]`);
  await link.first().waitFor({ timeout: 15000 });
  const hrefs = await page.locator('a.pagefind-ui__result-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  console.log(`search "${word}": ${hrefs.length} result(s): ${hrefs.join(', ')}`);
  if (errors.length) { console.log('FAIL: page errors:', errors.join('; ')); failed = true; }
} catch (e) {
  console.log('FAIL:', e.message);
  failed = true;
} finally {
  await browser.close();
  server.close();
}
console.log(failed ? '0 passed, 1 failed' : '1 passed, 0 failed');
process.exit(failed ? 1 : 0);
