// Administration a company expects (issue 16, point 15), and History's squad
// select (point 14): each step as a person does it, with and without JavaScript.

import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { ensureAdmin, expectAccessible, jsEnabled, open, settle, signIn } from './helpers';
import { acceptDialogs } from './live';

test.describe.configure({ mode: 'serial' });

const INITIAL = 'initial password 1';
const CHANGED = 'changed password 22';

/** Console errors, except the 4xx answers this spec provokes on purpose. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

async function signedInAs(browser: Browser, testInfo: TestInfo, username: string, password: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, testInfo, username, password);
  return { context, page };
}

/** Whether this page's session still opens a signed-in page. */
async function stillSignedIn(page: Page, testInfo: TestInfo): Promise<boolean> {
  await open(page, testInfo, '/squads');
  return !/\/login/.test(page.url());
}

test('an admin manages accounts, a squad and a mistaken checkpoint; History picks a squad from a select @admin', async ({ page, browser }, testInfo) => {
  // Many steps, each a page load without JavaScript.
  test.setTimeout(180_000);
  const errors = consoleErrors(page);
  const n = `${testInfo.project.name}${Date.now() % 100000}`;
  const username = `fac${n}`;
  const squad = `Admin squad ${n}`;
  await ensureAdmin(testInfo);
  await signIn(page, testInfo);

  // A new facilitator account.
  await open(page, testInfo, '/admin/users');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Initial password').fill(INITIAL);
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('row').filter({ hasText: username })).toBeVisible();
  await settle(page, testInfo);

  // They change their own password: the current one is required.
  const fac = await signedInAs(browser, testInfo, username, INITIAL);
  await open(fac.page, testInfo, '/account');
  await expectAccessible(fac.page);
  await fac.page.getByLabel('Current password').fill('not my password');
  await fac.page.getByLabel('New password').fill(CHANGED);
  await fac.page.getByRole('button', { name: 'Change password' }).click();
  await expect(fac.page.getByRole('alert')).toContainText('not your current password');
  await settle(fac.page, testInfo);
  await fac.page.getByLabel('Current password').fill(INITIAL);
  await fac.page.getByLabel('New password').fill(CHANGED);
  await fac.page.getByRole('button', { name: 'Change password' }).click();
  if (jsEnabled(testInfo)) await expect(fac.page.getByRole('status').filter({ hasText: 'Password changed' })).toBeVisible();
  await settle(fac.page, testInfo);
  expect(await stillSignedIn(fac.page, testInfo), 'this session stays').toBe(true);
  await fac.context.close();
  const again = await signedInAs(browser, testInfo, username, CHANGED);

  // The admin resets it (a temporary password, shown once; it needs scripts to be shown): her session ends.
  await open(page, testInfo, '/admin/users');
  const row = page.getByRole('row').filter({ hasText: username });
  let password = CHANGED;
  if (jsEnabled(testInfo)) {
    await row.getByRole('button', { name: /Reset password/ }).click();
    const shown = page.getByTestId('temporary-password');
    await expect(shown).toContainText(username);
    password = (await shown.locator('code').textContent())!.trim();
    expect(password).toMatch(/^[0-9a-f]{4}(-[0-9a-f]{4}){4}$/);
    expect(await stillSignedIn(again.page, testInfo), 'a reset ends her sessions').toBe(false);
    await again.context.close();
  } else {
    await expect(row.getByRole('button', { name: /Reset password/ })).toBeDisabled();
    await again.context.close();
  }
  await expectAccessible(page);

  // Deactivated: her session is refused at once and she cannot sign in; reactivated, she can.
  const before = await signedInAs(browser, testInfo, username, password);
  await open(page, testInfo, '/admin/users');
  await page.getByRole('row').filter({ hasText: username }).getByRole('button', { name: /Deactivate/ }).click();
  await expect(page.getByRole('row').filter({ hasText: username })).toContainText('Deactivated');
  await settle(page, testInfo);
  expect(await stillSignedIn(before.page, testInfo), 'a deactivated session is refused').toBe(false);
  await open(before.page, testInfo, '/login');
  await before.page.getByLabel('Username').fill(username);
  await before.page.getByLabel('Password').fill(password);
  await before.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(before.page.getByRole('alert')).toContainText('deactivated');
  await before.context.close();
  await open(page, testInfo, '/admin/users');
  await page.getByRole('row').filter({ hasText: username }).getByRole('button', { name: /Reactivate/ }).click();
  await expect(page.getByRole('row').filter({ hasText: username })).not.toContainText('Deactivated');
  await settle(page, testInfo);

  // A squad; a second one of the same name is refused on its name, and the form keeps what was chosen.
  await open(page, testInfo, '/squads');
  await page.getByLabel('Squad name').fill(squad);
  await page.getByLabel('Tribe', { exact: true }).fill('Admin');
  await page.getByRole('button', { name: 'Create squad' }).click();
  await expect(page.getByRole('link', { name: squad })).toBeVisible();
  await settle(page, testInfo);
  await page.getByLabel('Squad name').fill(squad.toUpperCase());
  await page.getByLabel('Tribe', { exact: true }).fill('Admin');
  await page.getByLabel('Industry (for the baselines)').selectOption({ label: 'Retail/Consumer/e-Commerce' });
  await page.getByRole('button', { name: 'Create squad' }).click();
  await expect(page.getByRole('alert')).toContainText('is taken by another squad');
  if (jsEnabled(testInfo)) {
    await expect(page.getByLabel('Squad name')).toHaveValue(squad.toUpperCase());
    await expect(page.getByLabel('Industry (for the baselines)').locator('option:checked')).toHaveText('Retail/Consumer/e-Commerce');
  }
  await settle(page, testInfo);
  await page.getByRole('link', { name: squad }).click();
  await expect(page).toHaveURL(/\/squads\/admin-squad-/);
  await settle(page, testInfo);
  const squadUrl = page.url();
  const slug = squadUrl.split('/').pop()!;

  // History: the squad is picked from a select, and the choice is kept.
  await open(page, testInfo, '/history');
  await page.getByLabel('Squad', { exact: true }).selectOption({ label: `${squad} · Admin` });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(new RegExp(`squad=${slug}`));
  await settle(page, testInfo);
  await expect(page.getByLabel('Squad', { exact: true }).locator('option:checked')).toHaveText(`${squad} · Admin`);
  await expectAccessible(page);

  // A checkpoint with a co-facilitator, who is removed from its manage page.
  await open(page, testInfo, squadUrl);
  await page.getByRole('button', { name: 'Create checkpoint' }).click();
  await expect(page).toHaveURL(/\/checkpoints\/[0-9a-f-]+$/);
  await settle(page, testInfo);
  const room = page.url();
  await page.getByText('Add a co-facilitator').click();
  await page.getByLabel('Username').fill(username);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await settle(page, testInfo);
  await open(page, testInfo, `${room}/manage`);
  await expect(page.getByRole('heading', { name: /Manage the checkpoint of/ })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: `Remove ${username} as co-facilitator` }).click();
  await expect(page.getByText('None. Add one')).toBeVisible();
  await settle(page, testInfo);

  // Deleting it needs its date typed; then it is gone from the squad's page.
  const date = (await page.locator('#delete-confirm').getAttribute('placeholder'))!;
  await page.getByLabel("The checkpoint's date").fill('yes');
  await page.getByRole('button', { name: 'Delete the checkpoint' }).click();
  await expect(page.getByRole('alert')).toContainText(`type the checkpoint's date, ${date}`);
  await settle(page, testInfo);
  await page.getByLabel("The checkpoint's date").fill(date);
  await page.getByRole('button', { name: 'Delete the checkpoint' }).click();
  await expect(page).toHaveURL(new RegExp(`/squads/${slug}$`));
  await settle(page, testInfo);
  await expect(page.getByText('No checkpoints yet')).toBeVisible();

  // Archived: out of the list, still reachable, and back again.
  acceptDialogs(page);
  await page.getByRole('button', { name: 'Archive squad' }).click();
  await expect(page.getByTestId('archived-notice')).toBeVisible();
  await settle(page, testInfo);
  await expectAccessible(page);
  await open(page, testInfo, '/squads');
  await expect(page.getByRole('table').getByRole('link', { name: squad })).toHaveCount(0);
  await page.getByText(/Archived squads/).click();
  await page.getByTestId('archived-squads').getByRole('link', { name: squad }).click();
  await expect(page).toHaveURL(squadUrl);
  await settle(page, testInfo);
  await page.getByRole('button', { name: 'Unarchive squad' }).click();
  await expect(page.getByTestId('archived-notice')).toHaveCount(0);
  await settle(page, testInfo);

  expect(errors, 'no console errors').toEqual([]);
});
