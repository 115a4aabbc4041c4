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
  // The current editions' names; the legacy id is what is stored.
  await expect(page.getByLabel('Industry (for the baselines)').locator('option')).toHaveCount(14);
  await page.getByLabel('Industry (for the baselines)').selectOption({ label: 'Retail/Consumer/e-Commerce' });
  await expect(page.getByLabel('Organisation size (optional)')).toHaveValue('');
  await page.getByLabel('Organisation size (optional)').selectOption({ label: '20 to 99 employees' });
  await page.getByRole('button', { name: 'Create squad' }).click();
  const link = page.getByRole('link', { name: 'Checkout Crew' });
  await expect(link).toBeVisible();
  await settle(page, testInfo);
  await link.click();
  await expect(page).toHaveURL(/\/squads\/checkout-crew$/);
  await expect(page.getByRole('heading', { name: 'Checkout Crew', level: 1 })).toBeVisible();
  await expect(page.getByText('Tribe Payments · industry: Retail/Consumer/e-Commerce · organisation size: 20 to 99 employees')).toBeVisible();
  await expect(page.getByLabel('Organisation size (optional)')).toHaveValue('fewer_than_100');
  await expect(page.getByLabel('Industry (for the baselines)')).toHaveValue('consumer');
  await settle(page, testInfo);

  await page.getByLabel('Tribe', { exact: true }).fill('Commerce');
  await page.getByLabel('Organisation size (optional)').selectOption('');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Tribe Commerce · industry: Retail/Consumer/e-Commerce', { exact: true })).toBeVisible();
  await expectAccessible(page);
});

const checks = [
  // [answers by question (best = 6), benchmark, level, percentile]
  { codes: ['less_than_one_hour', 'on_demand', 'less_than_one_day', '16-30'], benchmark: '2019', level: 'Elite', pct: 89 },
  { codes: ['one_day_to_one_week', 'daily_to_weekly', 'one_week_to_one_month', '46-60'], benchmark: '2021', level: 'Low', pct: 33 },
  { codes: ['less_than_one_hour', 'on_demand', 'less_than_one_hour', '0-15'], benchmark: '2022', level: 'Elite', pct: 98 },
];

for (const c of checks) {
  test(`quick check: ${c.level} ${c.pct} % against ${c.benchmark} @foundation @quickcheck`, async ({ page }, testInfo) => {
    // 2025 is the default edition now; the legacy form is one edition link away.
    await open(page, testInfo, `/quick-check?benchmark=${c.benchmark}`);
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

test('quick check 2025 (the default): the worked check of 7.3 gives 8.1, 8.0 and 8.2 @foundation @quickcheck', async ({ page }, testInfo) => {
  await open(page, testInfo, '/quick-check');
  await expect(page.getByRole('link', { name: '2025 (default)' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText('Answer the five questions')).toBeVisible();
  await expect(page.locator('fieldset.question')).toHaveCount(5);
  await page.locator('#lead_time-less_than_one_day').check();
  await page.locator('#deploy_frequency-daily_to_weekly').check();
  await page.locator('#time_to_restore-less_than_one_hour').check();
  await expect(page.locator('#q-time_to_restore legend')).toContainText('Failed deployment recovery time');
  // One percentage typed, the other set on its slider by keyboard alone.
  await page.getByLabel('Change failure rate, percent').fill('12');
  const slider = page.getByLabel('Deployment rework rate, slider');
  await slider.focus();
  for (let i = 0; i < 25; i++) await slider.press('ArrowRight');
  await expect(slider).toHaveValue('25');
  if (jsEnabled(testInfo)) await expect(page.getByLabel('Deployment rework rate, percent')).toHaveValue('25');
  await page.getByRole('button', { name: 'Show my result' }).click();

  await expect(page.getByTestId('score')).toHaveText('8.1');
  await expect(page.getByTestId('throughput')).toHaveText('8.0');
  await expect(page.getByTestId('stability')).toHaveText('8.2');
  await expect(page.locator('.score-overall')).toContainText('All industries (industry): mean 6.72 ± 1.2');
  const scores = { lead_time: '8.0', deploy_frequency: '6.0', time_to_restore: '10.0', change_failure_rate: '8.8', rework_rate: '7.5' };
  for (const [metric, score] of Object.entries(scores)) {
    await expect(page.getByTestId(`score-${metric}`)).toHaveText(score);
  }
  await expect(page.getByRole('img', { name: /^Change failure rate: your squad 8\.8 of 10 \(12 %\)\. All industries: mean 8\.1, ± 2\.1 \(6\.0 to 10\.0\)/ })).toBeVisible();
  await expect(page.locator('figure.score-axis[data-metric="lead_time"] .axis-ends')).toContainText('Less than one hour');
  // No level and no percentile in the current editions.
  await expect(page.locator('.level-badge')).toHaveCount(0);
  await expect(page.getByTestId('percentile')).toHaveCount(0);
  await expect(page.locator('#result')).not.toContainText(/percentile|elite/i);
  await expect(page.locator('.capability')).toHaveCount(3);
  await expect(page.locator('.capability')).toHaveText([/Continuous integration/, /Loosely coupled teams/, /Generative organi[sz]ational culture/]);
  if (!jsEnabled(testInfo)) await expect(page).toHaveURL(/rework_rate_slider=25/);
  await settle(page, testInfo);
  await expectAccessible(page);

  // Compared by organisation size: 2025's recovery column corrected (10 - 2.3 = 7.7); answers kept.
  await page.getByLabel('Organisation size').selectOption('fewer_than_10');
  await page.getByRole('button', { name: 'Show my result' }).click();
  await expect(page.locator('.score-overall')).toContainText('2 to 9 employees (organisation size): mean 6.94 ± 1.4');
  await expect(page.getByRole('img', { name: /^Failed deployment recovery time: your squad 10\.0 of 10 .*2 to 9 employees: mean 7\.7,/ })).toBeVisible();
  await expect(page.getByTestId('score')).toHaveText('8.1');
  await expect(page.getByTestId('score-rework_rate')).toHaveText('7.5');

  // A capability links to its catalog entry.
  await page.getByRole('link', { name: 'Continuous integration in the catalog' }).click();
  await expect(page.getByRole('heading', { name: 'Continuous integration' }).first()).toBeVisible();
});

test('quick check 2024: four questions, no rework; a missing percentage is named @foundation @quickcheck', async ({ page }, testInfo) => {
  await open(page, testInfo, '/quick-check');
  await page.getByRole('link', { name: '2024', exact: true }).click();
  await expect(page).toHaveURL(/benchmark=2024/);
  await settle(page, testInfo);
  await expect(page.locator('fieldset.question')).toHaveCount(4);
  await expect(page.getByLabel('Deployment rework rate, percent')).toHaveCount(0);
  await page.locator('#lead_time-one_day_to_one_week').check();
  await page.locator('#deploy_frequency-weekly_to_monthly').check();
  await page.locator('#time_to_restore-less_than_one_day').check();
  await page.getByRole('button', { name: 'Show my result' }).click();
  await expect(page.getByRole('alert')).toContainText('Please check “Change failure rate”');
  await page.getByLabel('Change failure rate, percent').fill('30');
  await page.getByRole('button', { name: 'Show my result' }).click();
  // (6 + 4 + 8 + 7) / 4 = 6.25 -> 6.3 (half away from zero); stability is the change failure rate's 7.0.
  await expect(page.getByTestId('score')).toHaveText('6.3');
  await expect(page.getByTestId('throughput')).toHaveText('6.0');
  await expect(page.getByTestId('stability')).toHaveText('7.0');
  await expect(page.locator('figure.score-axis')).toHaveCount(4);
  await settle(page, testInfo);
  await expectAccessible(page);
});

test('home page is accessible and links to the quick check @foundation', async ({ page }, testInfo) => {
  await open(page, testInfo, '/');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Take the quick check' }).click();
  await expect(page).toHaveURL(/\/quick-check$/);
});

test('the first pages a visitor and a participant load carry no app code: /, /join and the quick check are whole as HTML @foundation', async ({ page }, testInfo) => {
  const fetched: string[] = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  for (const path of ['/', '/join', '/quick-check', '/quick-check?benchmark=2019']) {
    fetched.length = 0;
    await open(page, testInfo, path);
    const code = fetched.filter((p) => p.endsWith('.wasm') || (p.startsWith('/pkg/') && p.endsWith('.js')));
    expect(code, `${path} loads no wasm and no app script`).toEqual([]);
  }
  // The links and the join form work as they are.
  await open(page, testInfo, '/');
  await page.locator('#main').getByRole('link', { name: 'Join a checkpoint' }).click();
  await expect(page).toHaveURL(/\/join$/);
  await page.getByLabel('Join code').fill('ZZZZ-ZZZZ');
  await page.getByLabel('Your name').fill('Ana');
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  // Any other page is the app, hydrated.
  fetched.length = 0;
  await open(page, testInfo, '/capabilities');
  if (jsEnabled(testInfo)) expect(fetched.some((p) => p.endsWith('.wasm'))).toBe(true);
});

test('on a phone the quick check result is scrolled into view when it arrives @foundation @quickcheck', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, testInfo, '/quick-check?benchmark=2024');
  await page.locator('#lead_time-one_day_to_one_week').check();
  await page.locator('#deploy_frequency-weekly_to_monthly').check();
  await page.locator('#time_to_restore-less_than_one_day').check();
  await page.getByLabel('Change failure rate, percent').fill('30');
  await page.getByRole('button', { name: 'Show my result' }).click();
  await expect(page.getByTestId('score')).toHaveText('6.3');
  // The form is above the result in one column: the heading must be on screen, not below it.
  await expect(page.getByRole('heading', { name: 'Your result' })).toBeInViewport();
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
