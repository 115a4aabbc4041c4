import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { stateFile } from '../global-setup';
import { startAlertmanager } from './support/alertmanager';

// A real Prometheus Alertmanager (Debian's package, which .ci/setup installs)
// whose only receiver is a squad's Alertmanager connection: an alert fired
// through its API becomes an incident, and resolving it resolves the incident
// at the alert's endsAt, so the measured time to restore is exactly the
// alert's duration.

/** The CLI against the database of this project's server (the key file sits beside it). */
function cli(server: { bin: string; dir: string }, ...args: string[]): string[] {
  const out = execFileSync(server.bin, ['--database-url', `sqlite://${server.dir}/e2e.db`, ...args], { encoding: 'utf8' });
  return out.trim().split('\n');
}

test('@alertmanager a real Alertmanager opens and resolves an incident with its own times', async ({ request }, testInfo) => {
  test.skip(testInfo.project.name !== 'js', 'no page is involved: one run against one server proves the hook');
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  test.skip(state.external, 'needs the CLI on the server\'s own database');
  const server = state.js;

  const slug = cli(server, 'squad', 'create', '--name', `Alerting ${Date.now()}`, '--tribe', 'Ops').pop()!;
  const token = cli(server, 'token', 'create', '--squad', slug).pop()!;
  const created = cli(server, 'connection', 'create', '--squad', slug, '--kind', 'alertmanager', '--name', 'prod alerts');
  const hookPath = created.find((l) => l.startsWith('/api/v1/hooks/alertmanager/'))!;
  const secret = created[created.length - 1];
  expect(hookPath).toBeTruthy();

  const alertmanager = await startAlertmanager({
    port: Number(process.env.E2E_PORT_JS ?? 3101) + 6000,
    receiverUrl: `${server.url}${hookPath}`,
    bearer: secret,
  });
  try {
    const labels = { alertname: 'HighErrorRate', service: 'payments-api', severity: 'critical' };
    // Older than group_wait, so Alertmanager notifies at once.
    const startsAt = new Date(Date.now() - 47 * 60_000);
    startsAt.setMilliseconds(0);
    const lastDelivery = () => cli(server, 'connection', 'list', '--squad', slug).join('\n');
    // A warning does not match the connection's default severity=critical: logged, not counted.
    await alertmanager.fire({ ...labels, alertname: 'SlowRequests', severity: 'warning' }, startsAt);
    await expect.poll(lastDelivery, { timeout: 20_000 }).toContain('ignored: SlowRequests: does not match severity=critical');

    await alertmanager.fire(labels, startsAt, { summary: 'Error rate above 5% for payments-api' });
    await expect.poll(lastDelivery, { timeout: 20_000 }).toMatch(/accepted: incident am-[0-9a-f]+-\d+ of payments-api: open/);

    const endsAt = new Date(startsAt.getTime() + 23 * 60_000 + 30_000);
    await alertmanager.resolve(labels, startsAt, endsAt, { summary: 'Error rate above 5% for payments-api' });

    const restore = async () => {
      const res = await request.get(`${server.url}/api/v1/metrics`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status()).toBe(200);
      return (await res.json()).time_to_restore;
    };
    await expect.poll(async () => (await restore()).incidents, { timeout: 20_000 }).toBe(1);
    const measured = await restore();
    expect(measured.median_seconds).toBe((endsAt.getTime() - startsAt.getTime()) / 1000);
    expect(measured.answer).toBe('less_than_one_hour');
    expect(lastDelivery()).toMatch(/of payments-api: resolved/);
  } finally {
    await alertmanager.stop();
  }
});
