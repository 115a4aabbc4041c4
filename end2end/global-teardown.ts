import * as fs from 'node:fs';
import { stateFile } from './global-setup';

export default async function globalTeardown() {
  if (!fs.existsSync(stateFile)) return;
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  for (const s of [state.js, state.nojs]) {
    if (!s) continue;
    try { process.kill(s.pid, 'SIGTERM'); } catch { /* already gone */ }
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
  fs.rmSync(stateFile);
}
