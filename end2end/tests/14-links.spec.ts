import { expect, test } from '@playwright/test';
import { ensureAdmin, expectAccessible, open, settle, signIn } from './helpers';

test.describe.configure({ mode: 'serial' });

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Ten daily api deployments ending an hour ago, and one incident that began half an hour ago: inferred onto the last. */
function events() {
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const deployments = Array.from({ length: 10 }, (_, d) => ({
    id: `deploy-${d}`,
    service: 'api',
    status: 'success',
    finished_at: iso(now - HOUR - d * DAY),
    commits: [{ sha: `sha${d}`, committed_at: iso(now - 2 * HOUR - d * DAY) }],
  }));
  const incident = { id: 'INC-7', service: 'api', title: 'Checkout errors', opened_at: iso(now - 30 * 60_000), resolved_at: iso(now - 10 * 60_000) };
  return { deployments, incident };
}

test('a facilitator unlinks an inferred incident and the change failure rate follows; a viewer sees how, not the control @links', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await ensureAdmin(testInfo);
  await signIn(page, testInfo);
  const made = await page.request.post('/api/create_squad', { form: { name: `Links ${testInfo.project.name} ${Date.now() % 100000}`, tribe: 'Linked' } });
  expect(made.ok(), await made.text()).toBeTruthy();
  const slug = (await made.json()).slug as string;
  const minted = await page.request.post('/api/create_api_token', { form: { squad: slug, name: 'ci' } });
  const token = (await minted.json()).secret as string;
  const { deployments, incident } = events();
  for (const [kind, data] of [['deployments', { deployments }], ['incidents', incident]] as const) {
    const res = await page.request.post(`/api/v1/${kind}`, { data, headers: { Authorization: `Bearer ${token}` } });
    expect(res.status(), await res.text()).toBe(200);
  }

  await open(page, testInfo, `/squads/${slug}/metrics`);
  const links = page.getByRole('region', { name: 'How failures and incidents are linked' });
  const row = links.getByTestId('incident-INC-7');
  await expect(row).toContainText('inferred: the latest deployment of api before impact began, deployment deploy-0');
  await expect(row).toContainText('the API');
  await expect(links.getByTestId('failed-deploy-0')).toContainText('tied to incident INC-7 (inferred)');
  const cfr = page.locator('.metric-card').filter({ has: page.getByRole('heading', { name: 'Change failure rate' }) });
  await cfr.locator('summary').click();
  await expect(cfr).toContainText('1 of 10 production deployments failed or caused an incident: 10 %');
  await expect(cfr).toContainText('deploy-0 (api');
  await expectAccessible(page);

  await row.getByRole('button', { name: 'Unlink INC-7' }).click();
  await expect(links.getByTestId('incident-INC-7')).toContainText('unlinked by admin');
  await settle(page, testInfo);
  await expect(links.getByTestId('failed-deploy-0')).toHaveCount(0);
  // The page was drawn again (with JavaScript) or reloaded (without): the why's text is there, open or not.
  await expect(cfr).toContainText('0 of 10 production deployments failed or caused an incident: 0 %');
  await expect(links.getByTestId('incident-INC-7').getByRole('button', { name: 'Back to automatic INC-7' })).toBeVisible();
  const api = await (await page.request.get(`/api/v1/metrics?squad=${slug}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(api.change_failure_rate).toMatchObject({ failed: 0, total: 10, percent: 0 });

  // A viewer sees the provenance and the choice, and no control.
  const viewer = `viewer${testInfo.project.name}${Date.now() % 100000}`;
  const created = await page.request.post('/api/create_user', { form: { username: viewer, password: 'long enough password', role: 'viewer' } });
  expect(created.ok(), await created.text()).toBeTruthy();
  await page.context().clearCookies();
  await signIn(page, testInfo, viewer, 'long enough password');
  await open(page, testInfo, `/squads/${slug}/metrics`);
  await expect(links.getByTestId('incident-INC-7')).toContainText('unlinked by admin');
  await expect(links.getByRole('button')).toHaveCount(0);
  await expect(links.getByText('Relink…')).toHaveCount(0);
});
