import { expect, Page, test, TestInfo } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { ensureAdmin, expectAccessible, jsEnabled, open, settle, signIn } from './helpers';
import { deliver, example } from './support/github';

test.describe.configure({ mode: 'serial' });

const HOUR = 3_600_000;

async function newSquad(page: Page, testInfo: TestInfo): Promise<string> {
  await ensureAdmin(testInfo);
  await signIn(page, testInfo);
  await open(page, testInfo, '/squads');
  const name = `Hooks ${testInfo.project.name} ${Date.now() % 100000}`;
  await page.getByLabel('Squad name').fill(name);
  await page.getByLabel('Tribe', { exact: true }).fill('Connected');
  await page.getByRole('button', { name: 'Create squad' }).click();
  await page.getByRole('link', { name }).click();
  await expect(page).toHaveURL(/\/squads\/[a-z0-9-]+$/);
  await settle(page, testInfo);
  return new URL(page.url()).pathname.split('/').pop()!;
}

/** With JavaScript the connection is created in the page, which shows its URL and secret once; without, the button
 * stays disabled (the secret could not be shown after a redirect) and the same server function is called directly. */
async function createGitHubConnection(page: Page, testInfo: TestInfo, slug: string): Promise<{ url: string; secret: string }> {
  const section = page.getByRole('region', { name: 'Connections' });
  await expect(section.getByText('No connections yet')).toBeVisible();
  if (!jsEnabled(testInfo)) {
    await expect(section.getByRole('button', { name: 'Create connection' })).toBeDisabled();
    const res = await page.request.post('/api/create_connection', { form: { squad: slug, kind: 'github', name: 'payments repo' } });
    expect(res.ok(), await res.text()).toBeTruthy();
    const created = await res.json();
    await page.reload();
    await settle(page, testInfo);
    return { url: created.hook_url, secret: created.secret };
  }
  await section.getByLabel('Tool').selectOption('github');
  // Only the options GitHub reads are asked, with the defaults as placeholders.
  await expect(section.getByLabel('Production environments')).toHaveAttribute('placeholder', 'production, prod');
  await expect(section.getByLabel('Incident label')).toHaveAttribute('placeholder', 'incident');
  await expect(section.getByLabel('Alerts that count')).toBeHidden();
  await section.getByLabel('Name (optional)').fill('payments repo');
  await section.getByRole('button', { name: 'Create connection' }).click();
  const created = section.getByTestId('new-connection');
  await expect(created).toContainText('GitHub connection payments repo created');
  await expect(created).toContainText('Settings → Webhooks → Add webhook');
  const url = await created.getByLabel('Hook URL').inputValue();
  const secret = await created.getByLabel('Secret', { exact: true }).inputValue();
  await expect(section.getByTestId('connection-row')).toContainText('No deliveries yet');
  return { url, secret };
}

/** A published push example to the default branch, its commits replaced by two with recent timestamps. */
function push(shas: [string, string], committed: [number, number]) {
  const payload = example('push', (p) => p.ref === `refs/heads/${p.repository.default_branch}` && p.commits.length > 0);
  const template = payload.commits[0];
  payload.commits = shas.map((id, i) => ({ ...structuredClone(template), id, timestamp: new Date(committed[i]).toISOString(), message: `change ${i + 1}` }));
  payload.before = '0'.repeat(40);
  payload.after = shas[1];
  payload.head_commit = payload.commits[1];
  return payload;
}

/** A published successful production deployment_status example, deploying `sha` at `at`. */
function deploymentStatus(sha: string, at: number) {
  const payload = example('deployment_status', (p) => p.deployment_status.state === 'success' && p.deployment.environment === 'production');
  payload.deployment.sha = sha;
  payload.deployment.created_at = new Date(at - 5 * 60_000).toISOString();
  payload.deployment_status.created_at = new Date(at).toISOString();
  payload.deployment_status.updated_at = new Date(at).toISOString();
  return payload;
}

test('a GitHub connection made on the squad page takes signed deliveries into its log and the metrics @metrics', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const slug = await newSquad(page, testInfo);
  const { url, secret } = await createGitHubConnection(page, testInfo, slug);
  expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/api/v1/hooks/github/[0-9a-f-]+$`));
  expect(secret).toMatch(/^[0-9a-f]{64}$/);

  // Two commits 3 h and 1 h before the deployment: their median lead time is 2 h.
  const deployedAt = Date.now() - 2 * HOUR;
  const shas: [string, string] = [randomUUID().replace(/-/g, '').padEnd(40, 'a'), randomUUID().replace(/-/g, '').padEnd(40, 'b')];
  const pushed = await deliver(page.request, url, secret, 'push', push(shas, [deployedAt - 3 * HOUR, deployedAt - HOUR]), 'delivery-push-1');
  expect(pushed.status(), await pushed.text()).toBe(200);
  const deployment = deploymentStatus(shas[1], deployedAt);
  const deployed = await deliver(page.request, url, secret, 'deployment_status', deployment, 'delivery-deploy-1');
  expect(deployed.status(), await deployed.text()).toBe(200);
  // A delivery signed with another secret is refused and leaves no trace.
  const forged = await deliver(page.request, url, 'not-the-secret', 'push', push(shas, [deployedAt, deployedAt]), 'delivery-forged');
  expect(forged.status()).toBe(401);

  await page.reload();
  await settle(page, testInfo);
  const section = page.getByRole('region', { name: 'Connections' });
  const row = section.getByTestId('connection-row');
  await expect(row).toContainText('payments repo');
  await expect(row).toContainText(url);
  await expect(row).toContainText('Production environments: production, prod');
  await expect(row).toContainText(`deployment gh-deploy-${deployment.deployment.id} of Hello-World: success, 2 commits`);
  await row.getByRole('link', { name: 'Delivery log' }).click();
  await expect(page).toHaveURL(/\?log=/);
  await settle(page, testInfo);
  const log = page.getByRole('region', { name: /Delivery log/ });
  const entries = log.locator('tbody tr');
  await expect(entries).toHaveCount(2);
  // Newest first: the deployment, then the push; the forged delivery is not there.
  await expect(entries.nth(0)).toContainText('deployment_status');
  await expect(entries.nth(0)).toContainText('delivery-deploy-1');
  await expect(entries.nth(0)).toContainText('accepted');
  await expect(entries.nth(0)).toContainText(`deployment gh-deploy-${deployment.deployment.id} of Hello-World: success, 2 commits`);
  await expect(entries.nth(1)).toContainText('push');
  await expect(entries.nth(1)).toContainText('delivery-push-1');
  await expect(entries.nth(1)).toContainText('2 commits pushed to Codertocat/Hello-World');
  await expect(log).not.toContainText('delivery-forged');
  await expectAccessible(page);

  // A later delivery shows after a refresh of the log (with JavaScript, without reloading the page).
  const ping = await deliver(page.request, url, secret, 'ping', example('ping'), 'delivery-ping-1');
  expect(ping.status()).toBe(200);
  await log.getByRole('button', { name: 'Refresh the log' }).click();
  await settle(page, testInfo);
  await expect(page.getByRole('region', { name: /Delivery log/ }).locator('tbody tr')).toHaveCount(3);
  await expect(page.getByRole('region', { name: /Delivery log/ }).locator('tbody tr').nth(0)).toContainText('ping: GitHub reached this connection');

  // The metrics follow: one deployment, its two commits' median lead time.
  await open(page, testInfo, `/squads/${slug}/metrics`);
  const card = (title: string) => page.locator('.metric-card').filter({ has: page.getByRole('heading', { name: title }) });
  await expect(card('Lead time for changes')).toContainText('Measured: Less than one day');
  await card('Lead time for changes').locator('summary').click();
  await expect(card('Lead time for changes')).toContainText('Half of the 2 commits first deployed to production in these 91 days reached it within 2 h of being committed');
  await card('Deployment frequency').locator('summary').click();
  await expect(card('Deployment frequency')).toContainText('1 successful production deployments in 91 days');

  // Revoked: listed as revoked, and its deliveries find no connection.
  await open(page, testInfo, `/squads/${slug}`);
  if (jsEnabled(testInfo)) page.once('dialog', (d) => d.accept());
  await page.getByRole('region', { name: 'Connections' }).getByRole('button', { name: 'Revoke payments repo' }).click();
  await settle(page, testInfo);
  await expect(page.getByRole('region', { name: 'Connections' }).getByTestId('connection-row')).toContainText('revoked');
  const after = await deliver(page.request, url, secret, 'ping', example('ping'));
  expect(after.status()).toBe(404);
});

test('viewers see no connections and the server functions refuse them @metrics', async ({ page, browser }, testInfo) => {
  const slug = await newSquad(page, testInfo);
  const username = `viewer${testInfo.project.name}${Date.now() % 100000}`;
  const created = await page.request.post('/api/create_user', { form: { username, password: 'correct horse battery', role: 'viewer' } });
  expect(created.ok(), await created.text()).toBeTruthy();
  const context = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const viewer = await context.newPage();
  await signIn(viewer, testInfo, username, 'correct horse battery');
  await open(viewer, testInfo, `/squads/${slug}`);
  await expect(viewer.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(viewer.getByRole('region', { name: 'Connections' })).toHaveCount(0);
  const res = await viewer.request.post('/api/create_connection', { form: { squad: slug, kind: 'github', name: 'sneaky' } });
  expect(res.status()).toBe(403);
  const list = await viewer.request.post('/api/list_connections', { form: { squad: slug } });
  expect(list.status()).toBe(403);
  await context.close();
});
