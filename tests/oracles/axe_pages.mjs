// Accessibility in a real browser: every page type of a built site audited
// with axe-core (WCAG 2.1 A and AA rules) in Debian's headless Chromium,
// driven by playwright-core; plus keyboard access (the skip link) and the
// print stylesheet (navigation hidden).
//
// usage: node axe_pages.mjs PUBLIC_DIR EXPERTS_DIR
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [publicDir, expertsDir] = process.argv.slice(2);

function serve(dir) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png',
    '.json': 'application/json', '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    let file = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const pages = {
  public: ['/', '/modules/', '/modules/m1/', '/modules/travail-certificatif/', '/calendrier/', '/seances/m3-se-proteger-1/',
    '/calendrier/modifications/', '/referentiels/', '/referentiels/rc-num-so/', '/referentiels/rc-num-so/3/',
    '/referentiels/rc-num-so/1.2/', '/referentiels/inspe-grille/item-4/', '/portfolios/', '/portfolios/camille-rochat/',
    '/portfolios/camille-rochat/formation-interne/', '/portfolios/camille-rochat/strategie-college/',
    '/portfolios/camille-rochat/impression/', '/recherche/'],
  experts: ['/experts/', '/experts/prets/', '/portfolios/ines-maillard/', '/portfolios/luca-ferrari/impression/'],
};

let passed = 0, failed = 0;
const report = (ok, what) => { ok ? passed++ : failed++; console.log(`${ok ? 'ok' : 'not ok'} - ${what}`); };

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  for (const [audience, dir] of [['public', publicDir], ['experts', expertsDir]]) {
    const server = await serve(dir);
    const base = `http://127.0.0.1:${server.address().port}`;
    const page = await browser.newPage();
    for (const url of pages[audience]) {
      await page.goto(base + url);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      }));
      const violations = result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0].target.join(' ')}`);
      report(violations.length === 0, `axe ${audience} ${url}${violations.length ? ' — ' + violations.join('; ') : ''}`);
    }
    if (audience === 'public') {
      // Keyboard: the first Tab reaches the skip link, which leads to <main>.
      await page.goto(base + '/modules/m1/');
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => document.activeElement.className + ' ' + document.activeElement.getAttribute('href'));
      report(first === 'skip-link #contenu', `keyboard: first Tab on the skip link (${first})`);
      await page.keyboard.press('Enter');
      const focused = await page.evaluate(() => document.activeElement.id);
      report(focused === 'contenu', `keyboard: the skip link moves focus to main (${focused})`);
      // Print: no navigation, no subscription box.
      await page.goto(base + '/calendrier/');
      await page.emulateMedia({ media: 'print' });
      const hidden = await page.evaluate(() => ['.site-nav', '.breadcrumbs', '.subscribe'].map(
        (s) => getComputedStyle(document.querySelector(s)).display));
      report(hidden.every((d) => d === 'none'), `print CSS hides navigation (${hidden.join(',')})`);
      await page.emulateMedia({ media: 'screen' });
    }
    await page.close();
    server.close();
  }
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
