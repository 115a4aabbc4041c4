// Prints the path of every same-origin resource a browser loads for one page,
// one per line: the document, what it links, and whatever the app fetches while
// it hydrates (the JS module, the main wasm and, with code splitting, the
// split loader and the page's wasm chunks). Used by .ci/bench-page-weight.
// Usage: node .ci/page-resources.mjs URL
// PAGE_COOKIE="name=value; name2=value2" sends those cookies (a participant's
// or a facilitator's session, for the live room).
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Playwright comes from the browser tests' node_modules (.ci/setup installs it).
const { chromium } = createRequire(path.join(root, 'end2end', 'package.json'))('playwright-core');

const url = new URL(process.argv[2] ?? 'http://127.0.0.1:3000/');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});
try {
  const context = await browser.newContext();
  const cookies = (process.env.PAGE_COOKIE ?? '').split(';').map((c) => c.trim()).filter(Boolean);
  await context.addCookies(cookies.map((c) => {
    const at = c.indexOf('=');
    return { name: c.slice(0, at), value: c.slice(at + 1), url: url.origin };
  }));
  const page = await context.newPage();
  const seen = new Set();
  const errors = [];
  page.on('requestfinished', (req) => {
    const u = new URL(req.url());
    if (u.origin === url.origin) seen.add(u.pathname + u.search);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url.href);
  // Hydrated means every chunk the page needs has been fetched and run.
  await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  // The icon is fetched lazily (or not at all) by a headless browser; a person's browser loads it.
  for (const href of await page.$$eval('link[rel~="icon"][href]', (ls) => ls.map((l) => l.getAttribute('href')))) {
    const u = new URL(href, url);
    if (u.origin === url.origin) seen.add(u.pathname + u.search);
  }
  if (errors.length) {
    console.error(`script errors on ${url.href}:\n${errors.join('\n')}`);
    process.exitCode = 1;
  }
  for (const p of seen) console.log(p);
} finally {
  await browser.close();
}
