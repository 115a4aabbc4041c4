import { expect, Page, test } from '@playwright/test';
import { expectAccessible, jsEnabled, settle } from './helpers';
import { acceptDialogs, goToStage, join, newCheckpoint, vote, waitLive } from './live';

// A checkpoint in the 2025 edition: five questions, two of them percentages
// voted in secret, then the Performance stage and what's holding the squad back.
test.describe.configure({ mode: 'serial' });

const CHOICES = [
  { stage: 'Lead time for changes', label: 'Less than one day' },
  { stage: 'Deployment frequency', label: 'Between once an hour and once a day' },
  { stage: 'Failed deployment recovery time', label: 'Less than one hour' },
];

async function votePercent(page: Page, value: string) {
  await page.getByRole('spinbutton', { name: /percent/ }).fill(value);
  await page.getByRole('button', { name: /Cast my vote|Change my vote/ }).click();
  await expect(page.getByTestId('my-vote')).toHaveText(`You voted: ${value} %`);
}

test('a 2025 checkpoint votes percentages in secret, shows them on a strip with the median, locks any percent and scores the Performance @voting @capabilities', async ({ page, browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'live updates need JavaScript');
  test.setTimeout(240_000);
  acceptDialogs(page);
  const { code } = await newCheckpoint(page, testInfo, '2025');
  await waitLive(page);
  const ana = await join(browser, testInfo, code, 'Ana');
  const bo = await join(browser, testInfo, code, 'Bo');
  for (const p of [ana, bo]) await waitLive(p.page);
  // No screen logs an error, a refused inline style (the CSP) included.
  const errors: string[] = [];
  for (const p of [page, ana.page, bo.page]) p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  // The stage bar follows the edition: rework after change failure rate, then Performance.
  const stages = page.getByRole('navigation', { name: 'Stages' });
  await expect(stages.getByRole('button', { name: 'Deployment rework rate' })).toBeVisible();
  await expect(stages.getByRole('button', { name: 'Performance' })).toBeVisible();
  await expect(stages.getByRole('button', { name: 'Time to restore service' })).toHaveCount(0);

  for (const q of CHOICES) {
    await goToStage(page, q.stage);
    await expect(ana.page.getByRole('heading', { name: q.stage, level: 2 })).toBeVisible();
    await vote(ana.page, q.label);
    if (q === CHOICES[0]) await vote(bo.page, 'Less than one hour');
    await page.getByRole('button', { name: 'Reveal the votes' }).click();
    if (q === CHOICES[0]) {
      // A 1-1 tie: the facilitator is told, and the more conservative answer is proposed.
      await expect(page.getByTestId('tie')).toContainText('A tie: Less than one hour, Less than one day.');
      await expect(page.locator('#lock-answer')).toHaveValue('less_than_one_day');
    } else {
      await expect(page.getByTestId('tie')).toHaveCount(0);
    }
    await page.getByRole('button', { name: 'Lock the answer' }).click();
    await expect(page.getByTestId('locked-answer')).toHaveText(`Locked: ${q.label}`);
  }

  // Change failure rate: a percent each, secret until the reveal.
  await page.getByRole('button', { name: 'Next: Change failure rate' }).click();
  await expect(ana.page.getByRole('heading', { name: 'Change failure rate', level: 2 })).toBeVisible();
  await expect(ana.page.getByText('Count a change that needed a hotfix or a rollback as failed')).toBeVisible();
  await votePercent(ana.page, '10');
  await votePercent(bo.page, '35');
  await expect(page.getByTestId('vote-count')).toHaveText('2 of 2 voted');
  // Nobody sees a value before the reveal.
  await expect(bo.page.getByTestId('percent-strip')).toHaveCount(0);
  await expect(page.getByTestId('percent-strip')).toHaveCount(0);
  await expectAccessible(ana.page);
  await page.getByRole('button', { name: 'Reveal the votes' }).click();
  for (const p of [page, ana.page, bo.page]) {
    await expect(p.getByTestId('median')).toHaveText('Median: 22.5 %');
    await expect(p.getByTestId('distribution').getByText('Ana: 10 %')).toBeVisible();
    await expect(p.getByTestId('distribution').getByText('Bo: 35 %')).toBeVisible();
  }
  // The lock proposes the median rounded half up; the facilitator may lock any whole percent.
  const lock = page.getByRole('spinbutton', { name: 'Group answer (%)' });
  await expect(lock).toHaveValue('23');
  await lock.fill('101');
  await page.getByRole('button', { name: 'Lock the answer' }).click();
  await expect(page.getByTestId('locked-answer')).toHaveCount(0);
  await lock.fill('20');
  await page.getByRole('button', { name: 'Lock the answer' }).click();
  for (const p of [page, ana.page]) await expect(p.getByTestId('locked-answer')).toHaveText('Locked: 20 %');
  await expectAccessible(page);

  // The fifth question of 2025.
  await page.getByRole('button', { name: 'Next: Deployment rework rate' }).click();
  await expect(ana.page.getByRole('heading', { name: 'Deployment rework rate', level: 2 })).toBeVisible();
  await votePercent(ana.page, '5');
  await page.getByRole('button', { name: 'Reveal the votes' }).click();
  await expect(page.getByTestId('median')).toHaveText('Median: 5 %');
  await page.getByRole('button', { name: 'Lock the answer' }).click();
  await expect(page.getByTestId('locked-answer')).toHaveText('Locked: 5 %');

  // Performance: the quick check's picture of the locked answers.
  // Scores: lead time 8, deploys 8, recovery 10, change failure (100-20)/10 = 8, rework 9.5:
  // overall 43.5/5 = 8.7, throughput 26/3 = 8.67 → 8.7, stability 17.5/2 = 8.75 → 8.8.
  await page.getByRole('button', { name: 'Next: Performance' }).click();
  for (const p of [page, ana.page]) {
    await expect(p.getByRole('heading', { name: 'Performance', level: 2 })).toBeVisible();
    const voted = p.getByTestId('voted-scores');
    await expect(voted.getByTestId('score')).toHaveText('8.7');
    await expect(voted.getByTestId('throughput')).toHaveText('8.7');
    await expect(voted.getByTestId('stability')).toHaveText('8.8');
    await expect(voted.getByTestId('score-rework_rate')).toHaveText('9.5');
    await expect(p.getByTestId('level')).toHaveCount(0);
    await expect(p.getByTestId('percentile')).toHaveCount(0);
  }
  await expectAccessible(page);

  // What's holding you back: the three of 7.4, 0 to 10, a tie marked.
  await page.getByRole('button', { name: "Next: What's holding you back" }).click();
  await expect(ana.page.getByRole('heading', { name: "What's holding you back", level: 2 })).toBeVisible();
  const statements = ana.page.locator('fieldset.statement');
  await expect(statements).toHaveCount(17);
  // The statements 7.4 dropped are not asked.
  await expect(ana.page.locator('[data-statement="architecture-0"]')).toHaveCount(0);
  await expect(ana.page.locator('[data-statement="westrum-4"]')).toHaveCount(0);
  for (const key of ['ci', 'architecture']) {
    for (const s of await ana.page.locator(`fieldset[data-statement^="${key}-"]`).all()) await s.getByLabel('Neither').check();
  }
  for (const s of await ana.page.locator('fieldset[data-statement^="westrum-"]').all()) await s.getByLabel('Strongly agree').check();
  await expect(page.getByTestId('rated-count')).toHaveText(/^1 of 2 done$/);
  await page.getByRole('button', { name: 'Reveal the scores' }).click();
  for (const p of [page, ana.page]) {
    const rows = p.getByTestId('scores');
    await expect(rows.locator('tr[data-key="ci"] [data-testid="score"]')).toHaveText('5.0');
    await expect(rows.locator('tr[data-key="architecture"] [data-testid="score"]')).toHaveText('5.0');
    await expect(rows.locator('tr[data-key="westrum"] [data-testid="score"]')).toHaveText('10.0');
    await expect(p.getByTestId('key-focus')).toHaveText('Tied for the key focus: Continuous integration and Loosely coupled teams. The facilitator chooses.');
    await expect(rows.locator('tr.key-focus-row')).toHaveCount(2);
  }
  await expectAccessible(ana.page);
  await settle(page, testInfo);
  expect(errors).toEqual([]);
  for (const p of [ana, bo]) await p.context.close();
});

test('without JavaScript a percentage is voted, revealed and locked with plain forms @voting', async ({ page, browser }, testInfo) => {
  const { code } = await newCheckpoint(page, testInfo, '2025');
  const ana = await join(browser, testInfo, code, 'Ana');
  await goToStage(page, 'Change failure rate');
  await ana.page.reload();
  await settle(ana.page, testInfo);
  await votePercent(ana.page, '12');
  await page.reload();
  await settle(page, testInfo);
  await expect(page.getByTestId('vote-count')).toHaveText('1 of 1 voted');
  await page.getByRole('button', { name: 'Reveal the votes' }).click();
  await settle(page, testInfo);
  await expect(page.getByTestId('median')).toHaveText('Median: 12 %');
  await expect(page.getByTestId('distribution').getByText('Ana: 12 %')).toBeVisible();
  await expect(page.getByRole('spinbutton', { name: 'Group answer (%)' })).toHaveValue('12');
  await page.getByRole('button', { name: 'Lock the answer' }).click();
  await settle(page, testInfo);
  await expect(page.getByTestId('locked-answer')).toHaveText('Locked: 12 %');
  await expectAccessible(page);
  await ana.context.close();
});

test('the facilitator shares the full join link and its QR code; a participant is never given them @join', async ({ page, browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'the link is loaded once the page is live');
  const { url, code } = await newCheckpoint(page, testInfo, '2025');
  const base = testInfo.project.use.baseURL!;
  await expect(page.getByTestId('join-url')).toHaveText(`${base}/join?code=${code}`);
  await expect(page.getByTestId('join-qr').locator('svg path')).toHaveCount(1);
  await expectAccessible(page);
  const ana = await join(browser, testInfo, code, 'Ana');
  await expect(ana.page.getByTestId('join-url')).toHaveCount(0);
  // The door itself: the server function answers a participant with nothing.
  const id = url.split('/').pop()!;
  const answer = await ana.page.request.post(`${base}/api/join_link`, { form: { id } });
  expect(answer.ok()).toBeTruthy();
  expect(await answer.text()).toBe('null');
  // Signed out, the home page and the header both lead to /join.
  const anonymous = await browser.newContext();
  const home = await anonymous.newPage();
  await home.goto(`${base}/`);
  await expect(home.getByRole('main').getByRole('link', { name: 'Join a checkpoint' })).toBeVisible();
  await expect(home.getByRole('banner').getByRole('link', { name: 'Join a checkpoint' })).toBeVisible();
  await home.goto(`${base}/join?code=${code}`);
  await expect(home.getByLabel('Join code')).toHaveValue(code);
  await anonymous.close();
  await ana.context.close();
});
