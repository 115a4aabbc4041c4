import { expect, Page, test } from '@playwright/test';
import { expectAccessible, jsEnabled, open, settle } from './helpers';
import { acceptDialogs, goToStage, join, newCheckpoint, refresh, submit, vote, waitLive } from './live';

// Issue 16: joining twice (@join), the forms and the facilitation options (@facilitation).
test.describe.configure({ mode: 'serial' });

const LEAD_TIME = 'Lead time for changes';
const presenceNames = (page: Page) => page.getByTestId('presence').locator('[data-name]');

/** Joins again from `page`'s own browser, through the join form. */
async function joinAgain(page: Page, testInfo: Parameters<typeof open>[1], code: string, name: string) {
  await open(page, testInfo, '/join');
  await page.getByLabel('Join code').fill(code);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page).toHaveURL(/\/checkpoints\//);
  await settle(page, testInfo);
}

test('re-joining from the same browser keeps one person and M does not grow @join', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const js = jsEnabled(testInfo);
  const { code } = await newCheckpoint(page, testInfo);
  if (js) await waitLive(page);
  const ana = await join(browser, testInfo, code, 'Ana');
  await goToStage(page, LEAD_TIME);
  await refresh(ana.page, testInfo);
  await expect(page.getByTestId('vote-count')).toHaveText('0 of 1 voted');
  // The same browser joins again, under her name and under another: still Ana.
  for (const name of ['Ana', 'Anna']) {
    await joinAgain(ana.page, testInfo, code, name);
    await expect(ana.page.getByTestId('presence').locator('[data-name="Ana"]')).toContainText('(you)');
  }
  await refresh(page, testInfo);
  await expect(page.getByTestId('vote-count')).toHaveText('0 of 1 voted');
  await expect(presenceNames(page)).toHaveCount(2); // the facilitator and Ana, once
  await expect(page.getByTestId('presence').locator('[data-name="Anna"]')).toHaveCount(0);
  await expect(page.getByTestId('presence').locator('[data-name="Ana"]')).toHaveCount(1);
  await ana.context.close();
});

test('a second device asks "Are you Ana?", continues with her own link, and a duplicate is merged @join', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const js = jsEnabled(testInfo);
  const { code } = await newCheckpoint(page, testInfo);
  acceptDialogs(page);
  if (js) await waitLive(page);
  const ana = await join(browser, testInfo, code, 'Ana');
  await goToStage(page, LEAD_TIME);
  await refresh(ana.page, testInfo);
  await vote(ana.page, 'Less than one day');

  // Ana's own link, in her room only.
  await ana.page.getByText('Continue on another device').click();
  const link = (await ana.page.getByTestId('resume-url').textContent())!.trim();
  expect(link).toMatch(/\/join\?code=.+&taken=Ana#resume=[0-9a-f]{64}$/);

  // Her phone types her name: asked who it is.
  const phone = await browser.newContext();
  const phonePage = await phone.newPage();
  await open(phonePage, testInfo, '/join');
  await phonePage.getByLabel('Join code').fill(code);
  await phonePage.getByLabel('Your name').fill('Ana');
  await phonePage.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(phonePage.getByRole('heading', { name: 'Are you Ana?' })).toBeVisible();
  await expectAccessible(phonePage);
  // A wrong code does not let anyone in as Ana.
  await phonePage.getByLabel('Your resume link or code').fill('0'.repeat(64));
  await phonePage.getByRole('button', { name: 'Continue as Ana' }).click();
  await expect(phonePage.getByRole('alert')).toContainText("not Ana's resume link");
  // Her own link opens the same question; with JavaScript it fills itself in.
  await open(phonePage, testInfo, link.replace(/^https?:\/\/[^/]+/, ''));
  if (!js) await phonePage.getByLabel('Your resume link or code').fill(link);
  await expect(phonePage.getByLabel('Your resume link or code')).toHaveValue(js ? link.split('#resume=')[1] : link);
  await phonePage.getByRole('button', { name: 'Continue as Ana' }).click();
  await expect(phonePage).toHaveURL(/\/checkpoints\//);
  await settle(phonePage, testInfo);
  await expect(phonePage.getByTestId('presence').locator('[data-name="Ana"]')).toContainText('(you)');
  await expect(phonePage.getByTestId('my-vote')).toHaveText('You voted: Less than one day');

  // Someone else called Ana joins as "Ana (2)" and votes; the facilitator merges the duplicate.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await open(otherPage, testInfo, '/join');
  await otherPage.getByLabel('Join code').fill(code);
  await otherPage.getByLabel('Your name').fill('Ana');
  await otherPage.getByRole('button', { name: 'Join', exact: true }).click();
  await otherPage.getByRole('button', { name: 'I am someone else' }).click();
  await expect(otherPage).toHaveURL(/\/checkpoints\//);
  await settle(otherPage, testInfo);
  await expect(otherPage.getByTestId('presence').locator('[data-name="Ana (2)"]')).toContainText('(you)');
  await vote(otherPage, 'Less than one hour');
  await refresh(page, testInfo);
  await expect(page.getByTestId('vote-count')).toHaveText('2 of 2 voted');

  await page.getByText('Someone joined twice?').click();
  await expectAccessible(page);
  await page.getByLabel('Merge', { exact: true }).selectOption({ label: 'Ana (2)' });
  await page.getByLabel('into', { exact: true }).selectOption({ label: 'Ana' });
  await submit(page, testInfo, page.getByRole('button', { name: 'Merge', exact: true }));
  await refresh(page, testInfo);
  await expect(page.getByTestId('presence').locator('[data-name="Ana (2)"]')).toHaveCount(0);
  await expect(page.getByTestId('vote-count')).toHaveText('1 of 1 voted');
  for (const c of [ana.context, phone, other]) await c.close();
});

test('a facilitator types a timer length and reveals anonymously @facilitation', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const js = jsEnabled(testInfo);
  const { code } = await newCheckpoint(page, testInfo);
  if (js) await waitLive(page);
  const ana = await join(browser, testInfo, code, 'Ana');
  const bo = await join(browser, testInfo, code, 'Bo');
  await goToStage(page, LEAD_TIME);
  await settle(page, testInfo);

  // A length out of bounds is not sent (the server refuses it too: the API tests);
  // seven minutes start.
  const minutes = page.getByLabel(`Minutes for ${LEAD_TIME}`);
  await minutes.fill('500');
  await page.getByRole('button', { name: 'Start for', exact: true }).click();
  await expect(page.getByTestId('timer')).toHaveText('15:00');
  await minutes.fill('7');
  await page.getByRole('button', { name: 'Start for', exact: true }).click();
  await expect(page.getByTestId('timer')).toHaveText(/^(07:00|06:[0-5]\d)$/);
  await settle(page, testInfo);

  await page.getByRole('button', { name: 'Reveal without names' }).click();
  await expect(page.getByRole('button', { name: 'Anonymous reveal is on' })).toBeVisible();
  await settle(page, testInfo);
  for (const [p, answer] of [[ana.page, 'Less than one day'], [bo.page, 'Less than one hour']] as const) {
    await refresh(p, testInfo);
    await expect(p.getByTestId('anonymity-note')).toBeVisible();
    await vote(p, answer);
  }
  await refresh(page, testInfo);
  acceptDialogs(page);
  await submit(page, testInfo, page.getByRole('button', { name: 'Reveal the votes' }));
  for (const p of [page, ana.page, bo.page]) {
    await refresh(p, testInfo);
    const table = p.getByTestId('distribution');
    await expect(table.locator('tr[data-answer="less_than_one_day"] .count')).toHaveText('1');
    await expect(table.getByRole('columnheader', { name: 'Who' })).toHaveCount(0);
    await expect(table).not.toContainText('Ana');
    await expect(table).not.toContainText('Bo');
  }
  await expectAccessible(page);
  for (const c of [ana.context, bo.context]) await c.close();
});

test('the board forms count characters, warn of a past date, fill from an improvement and empty once saved @facilitation', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const js = jsEnabled(testInfo);
  await newCheckpoint(page, testInfo);
  if (js) await waitLive(page);
  acceptDialogs(page);
  await goToStage(page, 'Path to production');
  await page.getByRole('button', { name: 'Start from the template' }).click();
  await expect(page.getByRole('heading', { name: 'Build', level: 3 })).toBeVisible();
  await settle(page, testInfo);

  const form = page.getByRole('form', { name: 'Add a note to Build' });
  const long = 'w'.repeat(300);
  await form.getByLabel('New note in Build').fill(long);
  if (js) {
    // Never cut: the whole text stays, the counter says how far over it is, and the button waits.
    await expect(form.getByLabel('New note in Build')).toHaveValue(long);
    await expect(form.getByTestId('note-counter')).toHaveText('300 / 280: 20 too many, shorten the note to add it');
    await expect(form.getByRole('button', { name: 'Add note' })).toBeDisabled();
  } else {
    await form.getByRole('button', { name: 'Add note' }).click();
    await expect(page.getByRole('alert').first()).toContainText('at most 280 characters (300 given)');
  }
  const improvement = 'Cache the dependencies between builds';
  await form.getByLabel('New note in Build').fill(improvement);
  if (js) await expect(form.getByTestId('note-counter')).toHaveText(`${improvement.length} / 280`);
  await form.getByLabel('Kind').selectOption('improvement');
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(page.locator('.note').filter({ hasText: improvement })).toBeVisible();
  await settle(page, testInfo);

  const action = page.getByRole('form', { name: 'New action' });
  await action.getByLabel('From improvement').selectOption({ label: improvement });
  if (js) await expect(action.getByLabel('Action', { exact: true })).toHaveValue(improvement);
  else await action.getByLabel('Action', { exact: true }).fill(improvement);
  await action.getByLabel('Owner').fill('Ana');
  await action.getByLabel('Due').fill('2020-01-31');
  if (js) await expect(action.getByTestId('due-past')).toBeVisible();
  await action.getByLabel('Capability it serves').selectOption({ index: 3 });
  await expectAccessible(page);
  await action.getByRole('button', { name: 'Add action' }).click();
  await expect(page.getByTestId('actions')).toContainText('2020-01-31');
  await refresh(page, testInfo);
  for (const field of ['Action', 'Owner', 'Due']) {
    await expect(page.getByRole('form', { name: 'New action' }).getByLabel(field, { exact: true })).toHaveValue('');
  }
  await expect(page.getByRole('form', { name: 'New action' }).getByLabel('Capability it serves')).toHaveValue('');
  await expect(page.getByTestId('due-past')).toBeHidden();
});
