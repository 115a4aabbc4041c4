// Screenshots of the squad metrics page with provenance (issue 17.7): node links-shots.mjs BASE SLUG OUTDIR
import { chromium } from '@playwright/test';
const [base, slug, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
for (const [w, h] of [[1366, 768], [1920, 1080], [390, 844]]) {
  const ctx = await browser.newContext({ viewport: { width: w, height: h } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/login`);
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.whoami').waitFor();
  await page.goto(`${base}/squads/${slug}/metrics`);
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.locator('.link-provenance').scrollIntoViewIfNeeded();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: `${out}/metrics-${w}x${h}.png`, fullPage: false });
  console.log(JSON.stringify({ w, h, scrollWidth: wide, errors }));
  await ctx.close();
}
await browser.close();
