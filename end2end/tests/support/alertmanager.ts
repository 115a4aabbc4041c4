import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Debian's package (`.ci/setup` installs it); ALERTMANAGER_BIN points elsewhere. */
const BINARY = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export type Labels = Record<string, string>;

export interface Alertmanager {
  url: string;
  /**
   * Sends a firing alert. Alertmanager notifies after group_wait (1 s), or at once when `startsAt` is already
   * older than that.
   */
  fire(labels: Labels, startsAt?: Date | string, annotations?: Labels): Promise<void>;
  /**
   * Sends the same alert with an `endsAt` in the past, which Alertmanager treats as resolved and notifies on the
   * next group_interval tick (within 1 s). Its annotations replace the firing alert's, as Prometheus resends them.
   */
  resolve(labels: Labels, startsAt: Date | string, endsAt: Date | string, annotations?: Labels): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a real Alertmanager whose only receiver is a webhook to `receiverUrl` with `bearer` as its Bearer
 * credentials, with timings short enough that a test sees a notification within a few seconds.
 */
export async function startAlertmanager({ port, receiverUrl, bearer }: {
  port: number;
  receiverUrl: string;
  bearer: string;
}): Promise<Alertmanager> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-alertmanager-'));
  // YAML is a superset of JSON, so the config needs no YAML writer.
  const config = {
    route: {
      receiver: 'checkpoint',
      // One group per alert: each alert's notification carries that alert alone.
      group_by: ['...'],
      group_wait: '1s',
      group_interval: '1s',
      // Long enough that a test sees no repeated notification; a redelivery would be idempotent anyway.
      repeat_interval: '1h',
    },
    receivers: [{
      name: 'checkpoint',
      webhook_configs: [{
        url: receiverUrl,
        send_resolved: true,
        http_config: { authorization: { type: 'Bearer', credentials: bearer } },
      }],
    }],
  };
  const configFile = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));

  const url = `http://127.0.0.1:${port}`;
  const child = spawn(BINARY, [
    `--config.file=${configFile}`,
    `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // An empty address turns clustering (gossip on 9094) off.
    '--cluster.listen-address=',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk) => (log += chunk));

  const stop = async () => {
    await kill(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ready(url, child, () => log);
  } catch (e) {
    await stop();
    throw e;
  }

  const post = async (alert: object) => {
    const res = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([alert]),
    });
    if (!res.ok) throw new Error(`Alertmanager refused the alert: ${res.status} ${await res.text()}`);
  };
  const iso = (t: Date | string) => (typeof t === 'string' ? t : t.toISOString());

  return {
    url,
    fire: (labels, startsAt = new Date(), annotations = {}) => post({ labels, annotations, startsAt: iso(startsAt) }),
    resolve: (labels, startsAt, endsAt, annotations = {}) =>
      post({ labels, annotations, startsAt: iso(startsAt), endsAt: iso(endsAt) }),
    stop,
  };
}

async function ready(url: string, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Alertmanager exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Alertmanager was not ready at ${url} within 15 s:\n${log()}`);
}

async function kill(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
