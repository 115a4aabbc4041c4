// Files run in name order, one worker: 01 sets up the first admin through the
// setup page; later files reuse that admin (or make it themselves when run alone).

import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, jsEnabled, open, settle, setupToken, signIn } from './helpers';

// One server per project: setup must come first, so these run in order.
test.describe.configure({ mode: 'serial' });

test('first-admin setup with the one-time token @foundation', async ({ page }, testInfo) => {
  await open(page, testInfo, '/setup');
  await expectAccessible(page);
  const token = setupToken(testInfo);
  expect(token, 'the server printed a setup token').toBeTruthy();

  // A wrong token is refused with a message, and changes nothing.
  await page.getByLabel('Setup token').fill('not-the-token');
  await page.getByLabel('Admin username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create admin' }).click();
  await expect(page.getByRole('alert')).toContainText('setup token is not valid');
  await settle(page, testInfo);

  await page.getByLabel('Setup token').fill(token!);
  await page.getByLabel('Admin username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create admin' }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole('heading', { name: 'Users and roles' })).toBeVisible();
  await expect(page.locator('.whoami')).toContainText(ADMIN.username);
  await settle(page, testInfo);
  await expectAccessible(page);

  // The token is single use: setup now says it is complete.
  await open(page, testInfo, '/setup');
  await expect(page.getByText('Setup is complete')).toBeVisible();
});

test('sign in and out; a wrong password is refused @foundation', async ({ page }, testInfo) => {
  await open(page, testInfo, '/login');
  await expectAccessible(page);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('wrong username or password');

  await signIn(page, testInfo);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  // Signed out, admin pages send you to sign in.
  await page.goto('/admin/users');
  await expect(page).toHaveURL(/\/login\?next=/);
});

test('an admin adds a viewer, who cannot create squads @foundation', async ({ page }, testInfo) => {
  await signIn(page, testInfo);
  await open(page, testInfo, '/admin/users');
  const viewer = `viewer-${testInfo.project.name}`;
  await page.getByLabel('Username').fill(viewer);
  await page.getByLabel('Initial password').fill('viewer password 1');
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('cell', { name: viewer, exact: true })).toBeVisible();
  await settle(page, testInfo);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await signIn(page, testInfo, viewer, 'viewer password 1');
  await open(page, testInfo, '/squads');
  await expect(page.getByRole('heading', { name: 'All squads' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'New squad' })).toHaveCount(0);
  await open(page, testInfo, '/admin/users');
  await expect(page.getByRole('alert')).toContainText('permission');
});

test('a facilitator-level user creates and edits a squad @foundation', async ({ page }, testInfo) => {
  await signIn(page, testInfo);
  await open(page, testInfo, '/squads');
  await expect(page.getByText('No squads yet')).toBeVisible();
  await expectAccessible(page);

  // Bad input names the field and stores nothing.
  await page.getByLabel('Squad name').fill('   ');
  await page.getByLabel('Tribe', { exact: true }).fill('Payments');
  await page.getByRole('button', { name: 'Create squad' }).click();
  await expect(page.getByRole('alert')).toContainText('name must not be empty');
  await settle(page, testInfo);

  await page.getByLabel('Squad name').fill('Checkout Crew');
  await page.getByLabel('Tribe', { exact: true }).fill('Payments');
  await page.getByLabel('Industry (for the baselines)').selectOption('retail');
  await page.getByRole('button', { name: 'Create squad' }).click();
  const link = page.getByRole('link', { name: 'Checkout Crew' });
  await expect(link).toBeVisible();
  await settle(page, testInfo);
  await link.click();
  await expect(page).toHaveURL(/\/squads\/checkout-crew$/);
  await expect(page.getByRole('heading', { name: 'Checkout Crew', level: 1 })).toBeVisible();
  await expect(page.getByText('Tribe Payments · industry baseline: Retail')).toBeVisible();
  await settle(page, testInfo);

  await page.getByLabel('Tribe', { exact: true }).fill('Commerce');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Tribe Commerce · industry baseline: Retail')).toBeVisible();
  await expectAccessible(page);
});

const checks = [
  // [answers by question (best = 6), benchmark, level, percentile]
  { codes: ['less_than_one_hour', 'on_demand', 'less_than_one_day', '16-30'], benchmark: '2019', level: 'Elite', pct: 89 },
  { codes: ['one_day_to_one_week', 'daily_to_weekly', 'one_week_to_one_month', '46-60'], benchmark: '2021', level: 'Low', pct: 33 },
  { codes: ['less_than_one_hour', 'on_demand', 'less_than_one_hour', '0-15'], benchmark: '2022', level: 'Elite', pct: 98 },
];

for (const c of checks) {
  test(`quick check: ${c.level} ${c.pct} % against ${c.benchmark} @foundation`, async ({ page }, testInfo) => {
    await open(page, testInfo, '/quick-check');
    await expect(page.getByText('Answer the four questions')).toBeVisible();
    const questions = ['lead_time', 'deploy_frequency', 'time_to_restore', 'change_failure_rate'];
    for (const [i, q] of questions.entries()) {
      await page.locator(`#${q}-${c.codes[i]}`).check();
    }
    await page.getByLabel('Compare with').selectOption(c.benchmark);
    await page.getByRole('button', { name: 'Show my result' }).click();
    await expect(page.getByTestId('percentile')).toHaveText(`Better than ${c.pct} % of ${c.benchmark} respondents`);
    await expect(page.locator('.level-badge')).toHaveText(c.level);
    await expect(page.getByRole('img', { name: 'Where your squad sits among respondents' })).toBeVisible();
    await expect(page.locator('.capability')).toHaveCount(3);
    await expect(page.getByRole('table')).toContainText('Baseline');
    if (!jsEnabled(testInfo)) {
      // Without JavaScript the answers survive the round trip in the URL.
      await expect(page).toHaveURL(new RegExp(`benchmark=${c.benchmark}`));
    }
    await settle(page, testInfo);
    await expectAccessible(page);
  });
}

test('home page is accessible and links to the quick check @foundation', async ({ page }, testInfo) => {
  await open(page, testInfo, '/');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Take the quick check' }).click();
  await expect(page).toHaveURL(/\/quick-check$/);
});

test('a tribe is renamed and its squads follow @foundation', async ({ page }, testInfo) => {
  await signIn(page, testInfo);
  await open(page, testInfo, '/squads');
  await page.getByLabel('Tribe to rename').selectOption('Commerce');
  await page.getByLabel('New name').fill('Shopping');
  await page.getByRole('button', { name: 'Rename tribe' }).click();
  await expect(page.getByRole('cell', { name: 'Shopping', exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Commerce', exact: true })).toHaveCount(0);
});
