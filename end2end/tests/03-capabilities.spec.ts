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
  // The focus is stored by its section 5 key; both groupings find it.
  await open(page, testInfo, '/capabilities?q=small');
  await expect(page.locator('li[data-key="working_in_small_batches"] .focusing')).toContainText('Focus of:');
  await expect(page.locator('li[data-key="version_control"] .focusing')).toHaveCount(0);
  await expectAccessible(page);
  await open(page, testInfo, '/capabilities?grouping=legacy&q=small');
  await expect(page.locator('li[data-key="small_batches"] .focusing')).toContainText('Focus of:');
  for (const p of Object.values(people)) await p.close();
});

test('the catalog shows the current grouping with core marked, the legacy one a link away, and searches both @capabilities @catalog', async ({ page }, testInfo) => {
  await open(page, testInfo, '/capabilities');
  await expect(page.getByRole('heading', { name: 'Capability catalog' })).toBeVisible();
  await expect(page.locator('.catalog-list li')).toHaveCount(34);
  await expect(page.locator('.catalog-group h2')).toHaveText(['Fast flow', 'Fast feedback', 'Climate for learning', 'AI']);
  await expect(page.getByRole('link', { name: 'Current (2024 and 2025)' })).toHaveAttribute('aria-current', 'page');
  // The core set (8 + 5 + 6) carries a visible badge its text names.
  await expect(page.locator('.core-badge')).toHaveCount(19);
  await expect(page.locator('li[data-key="version_control"] .core-badge')).toHaveText('core capability');
  await expect(page.locator('li[data-key="version_control"] .core-badge')).toBeVisible();
  await expect(page.locator('li[data-key="trunk_based_development"] .core-badge')).toHaveCount(0);
  await expect(page.locator('li.capability:not(:has(p))')).toHaveCount(0);
  await expect(page.locator('li[data-key="loosely_coupled_teams"] a[href="https://dora.dev/capabilities/loosely-coupled-teams/"]')).toBeVisible();
  await expect(page.locator('li[data-key="loosely_coupled_teams"] > p')).toContainText(/\w/);
  await expectAccessible(page);

  // Search in the current grouping.
  await page.getByLabel('Search capabilities').fill('trunk');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\?q=trunk(&|$)/);
  await expect(page).not.toHaveURL(/grouping/);
  await expect(page.locator('.catalog-list li h3')).toHaveText(['Trunk-based development']);
  await expect(page.locator('.catalog-group h2')).toHaveText(['Fast flow']);
  await settle(page, testInfo);

  // One click to the legacy grouping keeps the search.
  await page.getByRole('link', { name: 'Legacy (2019 to 2022)' }).click();
  await expect(page).toHaveURL(/grouping=legacy&q=trunk/);
  await expect(page.getByRole('link', { name: 'Legacy (2019 to 2022)' })).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('.catalog-list li h3')).toHaveText(['Trunk-based development']);
  await expect(page.locator('.catalog-group h2')).toHaveText(['Technical']);
  await settle(page, testInfo);

  // Search in the legacy grouping stays in it.
  await page.getByLabel('Search capabilities').fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/grouping=legacy/);
  await expect(page.locator('.catalog-list li')).toHaveCount(34);
  await expect(page.locator('.catalog-group h2')).toHaveText(['Technical', 'Process', 'Cultural', 'Newer (2025)']);
  await expect(page.locator('.core-badge')).toHaveCount(0);
  await expect(page.locator('li[data-key="loosely_coupled_architecture"] a[href="https://dora.dev/capabilities/loosely-coupled-teams/"]')).toBeVisible();
  await expectAccessible(page);
  await settle(page, testInfo);
  await page.getByLabel('Search capabilities').fill('culture');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/grouping=legacy&q=culture/);
  await expect(page.locator('li[data-key="generative_culture"]')).toBeVisible();
  await expect(page.locator('.catalog-group h2')).toContainText(['Cultural']);
  await settle(page, testInfo);

  // And back: the current grouping, same search; a legacy name still finds its capability there.
  await page.getByRole('link', { name: 'Current (2024 and 2025)' }).click();
  await expect(page).toHaveURL(/\/capabilities\?q=culture$/);
  await expect(page.locator('li[data-key="generative_culture"] .core-badge')).toBeVisible();
  await expect(page.locator('.catalog-group h2')).toContainText(['Climate for learning']);
  await settle(page, testInfo);
  await page.getByLabel('Search capabilities').fill('loosely coupled architecture');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('.catalog-list li h3')).toHaveText(['Loosely coupled teams']);
  await settle(page, testInfo);
  await page.getByLabel('Search capabilities').fill('zzzz');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('No capability matches “zzzz”')).toBeVisible();
});
