import { expect, Page, test, TestInfo, WebSocket } from '@playwright/test';
import { expectAccessible, jsEnabled, open, settle } from './helpers';
import { acceptDialogs, join, lockAllQuestions, newCheckpoint, refresh } from './live';

test.describe.configure({ mode: 'serial' });

const LABELS = ['Strongly disagree', 'Disagree', 'Neither', 'Agree', 'Strongly agree'];
type Value = number | 'dk';

/** Rates every statement of a capability; `values` by statement, the last repeated. */
async function rate(page: Page, testInfo: TestInfo, capability: string, count: number, values: Value[]) {
  for (let i = 0; i < count; i++) {
    const v = values[Math.min(i, values.length - 1)];
    const label = v === 'dk' ? "Don't know" : LABELS[v];
    await page.locator(`fieldset[data-statement="${capability}-${i}"]`).getByLabel(label, { exact: true }).check();
  }
  if (!jsEnabled(testInfo)) {
    await page.getByRole('button', { name: 'Save my ratings' }).click();
    await settle(page, testInfo);
  }
}

// All four answers at their best: elite, so Westrum culture (7 statements),
// monitoring (6) and small batches (3) are recommended.
const RATINGS: Record<string, Record<string, Value[]>> = {
  Ana: { westrum: [4], monitoring: [2], small_batches: [1] },
  Bo: { westrum: [3], monitoring: [2], small_batches: ['dk', 1] },
  Cy: { westrum: [4], monitoring: [3], small_batches: [2] },
};
const COUNTS: Record<string, number> = { westrum: 7, monitoring: 6, small_batches: 3 };

/** The rating `name` gave statement `i` of `cap`, as the wire carries it (`undefined` if they did not rate it). */
function ratingOf(name: string, cap: string, i: number): unknown {
  const values = RATINGS[name]?.[cap];
  if (!values || i >= COUNTS[cap]) return undefined;
  const v = values[Math.min(i, values.length - 1)];
  return v === 'dk' ? 'DontKnow' : { Agreement: v };
}

/** Throws unless every rating in a snapshot's `mine` is exactly one `name` gave. */
function expectOnlyOwnRatings(name: string, mine: [[string, number], unknown][]) {
  for (const [[cap, i], r] of mine) {
    expect(r, `only ${name}'s own ratings reach ${name} (${cap} ${i})`).toEqual(ratingOf(name, cap, i));
  }
}

test('the own-ratings check catches a leaked rating @capabilities', async () => {
  // Bo rated Westrum 3 everywhere; Ana rated it 4. A frame carrying Ana's must fail the check.
  expectOnlyOwnRatings('Bo', [[['westrum', 0], { Agreement: 3 }], [['small_batches', 0], 'DontKnow']]);
  expect(() => expectOnlyOwnRatings('Bo', [[['westrum', 0], { Agreement: 3 }], [['westrum', 1], { Agreement: 4 }]])).toThrow();
  expect(() => expectOnlyOwnRatings('Bo', [[['small_batches', 1], 'DontKnow']])).toThrow();
});

test('three participants rate, the facilitator reveals the scores and the key focus, and confirms the focus @capabilities', async ({ page, browser }, testInfo) => {
  test.setTimeout(150_000); // four people, 48 ratings, every step checked
  const { code } = await newCheckpoint(page, testInfo);
  const people: Record<string, { page: Page; close: () => Promise<void> }> = {};
  for (const name of Object.keys(RATINGS)) {
    const p = await join(browser, testInfo, code, name);
    people[name] = { page: p.page, close: () => p.context.close() };
  }
  await lockAllQuestions(page, testInfo);
  await page.getByRole('button', { name: 'Next: Maturity' }).click();
  await expect(page.getByTestId('level')).toHaveText(/elite/i);
  await page.getByRole('button', { name: 'Next: Capabilities' }).click();
  await expect(page.getByRole('heading', { name: 'Capabilities', level: 2 })).toBeVisible();
  await settle(page, testInfo);

  // Bo's frames from a fresh connection, to check that nobody else's rating reaches him.
  const boFrames: string[] = [];
  people.Bo.page.on('websocket', (ws: WebSocket) => ws.on('framereceived', (f) => boFrames.push(String(f.payload))));
  for (const p of Object.values(people)) {
    await p.page.reload();
    await settle(p.page, testInfo);
    await expect(p.page.getByRole('heading', { name: 'Capabilities', level: 2 })).toBeVisible();
    await expect(p.page.locator('.capability h3')).toHaveText(['Generative organisational culture (Westrum)', 'Monitoring and observability', 'Working in small batches']);
  }
  await expectAccessible(people.Ana.page);

  let done = 0;
  for (const [name, byCap] of Object.entries(RATINGS)) {
    for (const [cap, values] of Object.entries(byCap)) await rate(people[name].page, testInfo, cap, COUNTS[cap], values);
    done += 1;
    await refresh(page, testInfo);
    await expect(page.getByTestId('rated-count')).toHaveText(`${done} of 3 done`);
  }

  if (jsEnabled(testInfo)) {
    const before = boFrames.map((f) => JSON.parse(f)).filter((f) => f.t === 'snapshot');
    expect(before.length).toBeGreaterThan(0);
    for (const f of before) {
      expect(f.view.capabilities.results, 'no scores before the reveal').toBeNull();
      // Each entry is exactly Bo's own answer for that statement (a leaked one of Ana's or Cy's would differ).
      expectOnlyOwnRatings('Bo', f.view.capabilities.mine);
      expect(f.view.capabilities.mine.length).toBeLessThanOrEqual(16);
    }
  }

  await page.getByRole('button', { name: 'Reveal the scores' }).click();
  // Without JavaScript the click is a form post: let it land before reloading anything.
  await expect(page.getByTestId('scores')).toBeVisible();
  // 25 × mean: Westrum (4·7 + 3·7 + 4·7) / 21 → 92; monitoring (2·6 + 2·6 + 3·6) / 18 → 58;
  // small batches (1+1+1 + 1+1 + 2+2+2) / 8, "don't know" left out → 34.
  for (const p of [page, people.Cy.page]) {
    await refresh(p, testInfo);
    const scores = p.getByTestId('scores');
    await expect(scores.locator('tr[data-key="westrum"] td')).toHaveText(['92', '77', '85']);
    await expect(scores.locator('tr[data-key="monitoring"] td')).toHaveText(['58', '67', '75']);
    await expect(scores.locator('tr[data-key="small_batches"] td')).toHaveText(['34', '61', '83']);
    await expect(p.getByTestId('key-focus')).toHaveText('Key focus area: Working in small batches');
  }
  await expectAccessible(page);

  // The squad picks its focus: one recommended, one from the catalog; the facilitator confirms.
  await page.getByRole('button', { name: '+ Working in small batches' }).click();
  await expect(page.getByTestId('focus')).toContainText('Working in small batches');
  await settle(page, testInfo);
  await page.getByLabel('Or from the catalog').selectOption('continuous_integration');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('focus')).toContainText('Continuous integration');
  await settle(page, testInfo);
  acceptDialogs(page);
  await page.getByRole('button', { name: 'Confirm the focus' }).click();
  await expect(page.getByTestId('focus-state')).toHaveText('Confirmed by the facilitator.');
  await refresh(people.Ana.page, testInfo);
  await expect(people.Ana.page.getByTestId('focus').locator('li')).toHaveText(['Working in small batches', 'Continuous integration']);
  await expect(people.Ana.page.getByTestId('focus-state')).toHaveText('Confirmed by the facilitator.');

  // The public catalog shows, to signed-in users, which squads focus on a capability.
  await open(page, testInfo, '/capabilities?q=small');
  await expect(page.locator('li[data-key="small_batches"] .focusing')).toContainText('Focus of:');
  await expectAccessible(page);
  for (const p of Object.values(people)) await p.close();
});

test('the catalog lists every capability by category and searches them @capabilities', async ({ page }, testInfo) => {
  await open(page, testInfo, '/capabilities');
  await expect(page.getByRole('heading', { name: 'Capability catalog' })).toBeVisible();
  await expect(page.locator('.catalog-list li')).toHaveCount(34);
  for (const group of ['Technical', 'Process', 'Cultural', 'Newer (2025)']) await expect(page.getByRole('heading', { name: group, level: 2 })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Search capabilities').fill('trunk');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=trunk/);
  await expect(page.locator('.catalog-list li h3')).toHaveText(['Trunk-based development']);
  await page.getByLabel('Search capabilities').fill('zzzz');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('No capability matches “zzzz”')).toBeVisible();
});
