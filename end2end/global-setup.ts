import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Starts one server per project (unless BASE_URL is set), each on a fresh
// SQLite database, and records the one-time setup token it prints.
export const stateFile = path.join(__dirname, '.state', 'servers.json');

async function waitReady(url: string, child: ReturnType<typeof spawn>) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} not ready in 60 s`);
}

export interface ServerState { url: string; token: string; pid: number; dir: string; bin: string; args: string[] }

/** Where a server's log goes; teardown fails the run if it holds a panic. */
export const logFile = (dir: string) => path.join(dir, 'server.log');

/** Starts the server binary; resolves once /healthz answers. */
export function launch(bin: string, args: string[], url: string, dir: string, quiet = false) {
  const root = path.resolve(__dirname, '..');
  // The log goes straight to a file, so it outlives a test worker that
  // restarted the server; quiet: nobody reads stdout (that same worker).
  const log = fs.openSync(logFile(dir), 'a');
  const child = spawn(bin, args, { cwd: root, stdio: ['ignore', quiet ? 'ignore' : 'pipe', log], detached: false });
  fs.closeSync(log);
  return { child, ready: waitReady(url, child) };
}

async function start(name: string, port: number): Promise<ServerState> {
  const root = path.resolve(__dirname, '..');
  const bin = process.env.CHECKPOINT_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'debug', 'checkpoint');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `checkpoint-e2e-${name}-`));
  const url = `http://127.0.0.1:${port}`;
  const args = ['--database-url', `sqlite://${dir}/e2e.db`, 'serve', '--addr', `127.0.0.1:${port}`,
    '--site-root', process.env.CHECKPOINT_SITE_ROOT ?? path.join(root, 'target', 'site')];
  const { child, ready } = launch(bin, args, url, dir);
  let out = '';
  child.stdout!.on('data', (d) => { out += d.toString(); });
  await ready;
  const token = out.match(/setup token:\s+(\S+)/)?.[1];
  if (!token) throw new Error(`no setup token in server output: ${out}`);
  return { url, token, pid: child.pid!, dir, bin, args };
}

export default async function globalSetup() {
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  if (process.env.BASE_URL) {
    fs.writeFileSync(stateFile, JSON.stringify({ external: true, token: process.env.SETUP_TOKEN ?? null }));
    return;
  }
  const js = await start('js', Number(process.env.E2E_PORT_JS ?? 3101));
  const nojs = await start('nojs', Number(process.env.E2E_PORT_NOJS ?? 3102));
  fs.writeFileSync(stateFile, JSON.stringify({ external: false, js, nojs }));
}
