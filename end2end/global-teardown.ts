import * as fs from 'node:fs';
import { logFile, stateFile } from './global-setup';

// A server-side panic cuts a page short, which a browser may or may not notice
// in the test that caused it; any panic in a server's log fails the run.
export default async function globalTeardown() {
  if (!fs.existsSync(stateFile)) return;
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  const panics: string[] = [];
  for (const [name, s] of Object.entries(state) as [string, { pid: number; dir: string } | undefined][]) {
    if (!s || typeof s !== 'object' || !s.dir) continue;
    try { process.kill(s.pid, 'SIGTERM'); } catch { /* already gone */ }
    await waitGone(s.pid);
    const log = fs.existsSync(logFile(s.dir)) ? fs.readFileSync(logFile(s.dir), 'utf8') : '';
    if (process.env.E2E_SERVER_LOG) process.stderr.write(log);
    const at = log.indexOf('panicked at');
    if (at >= 0) panics.push(`the ${name} server panicked:\n${log.slice(Math.max(0, at - 200), at + 1500)}`);
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
  fs.rmSync(stateFile);
  if (panics.length) throw new Error(panics.join('\n\n'));
}

async function waitGone(pid: number) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try { process.kill(pid, 0); } catch { return; }
    await new Promise((r) => setTimeout(r, 50));
  }
}
