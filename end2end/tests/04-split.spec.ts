import { expect, test } from '@playwright/test';
import { jsEnabled, open, settle } from './helpers';

// Code splitting (app/src/routes.rs): the home page is static (no wasm at all);
// another page loads the main wasm and its own chunk, never another page's
// view, and then works. Guards the weight against a page that slips back
// into the main bundle.
test('the static pages load no wasm; an app page fetches its own chunk, and the quick check reached from it its own @foundation', async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'chunks are loaded by the app script');
  const wasm: string[] = [];
  page.on('requestfinished', (req) => {
    const path = new URL(req.url()).pathname;
    if (path.endsWith('.wasm')) wasm.push(path);
  });
  await open(page, testInfo, '/');
  expect(wasm, 'the home page loads no wasm').toEqual([]);
  await page.getByRole('link', { name: 'Take the quick check' }).click();
  await expect(page).toHaveURL(/\/quick-check$/);
  await expect(page.getByText('Answer the five questions')).toBeVisible();
  expect(wasm, 'the quick check, loaded as a page, loads no wasm').toEqual([]);

  await open(page, testInfo, '/capabilities');
  await expect.poll(() => wasm.some((p) => /\/split___catalog_route_view_\w+\.wasm$/.test(p))).toBe(true);
  // Within the app, the quick check is a route like any other: its own chunk, computed in the browser.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Quick check' }).click();
  await expect(page).toHaveURL(/\/quick-check$/);
  await expect(page.getByText('Answer the five questions')).toBeVisible();
  await expect.poll(() => wasm.some((p) => /\/split___quick_check_route_view_\w+\.wasm$/.test(p))).toBe(true);
  expect(wasm.filter((p) => /split___\w+_route_view/.test(p) && !/quick_check|catalog/.test(p)), 'no other page\'s view').toEqual([]);
  // 2025 is the default edition now; the legacy check is one edition link away.
  await page.getByRole('link', { name: '2019', exact: true }).click();
  await expect(page.getByText('Answer the four questions')).toBeVisible();
  const answers = ['lead_time-less_than_one_hour', 'deploy_frequency-on_demand', 'time_to_restore-less_than_one_day', 'change_failure_rate-16-30'];
  for (const a of answers) await page.locator(`#${a}`).check();
  await page.getByLabel('Compare with').selectOption('2019');
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));
  await page.getByRole('button', { name: 'Show my result' }).click();
  await expect(page.getByTestId('percentile')).toHaveText('Better than 89 % of 2019 respondents');
  expect(loads, 'the result came without a page load').toEqual([]);
  await settle(page, testInfo);
});
