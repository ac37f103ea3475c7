// Starts `callplan panel` on a private copy of examples/acme with two accounts:
// 001@acme (Anna, administrator) and 002@acme (Bram, user).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { port } from '../playwright.config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '../../..');

export const passwords = { '001@acme': 'anna-password-1', '002@acme': 'bram-password-2' };

export default async function globalSetup() {
  const bin = process.env.CALLPLAN_BIN;
  if (!bin || !fs.existsSync(bin)) throw new Error('CALLPLAN_BIN must name the built callplan binary');
  const dist = path.join(source, 'panel/web/dist');
  if (!fs.existsSync(path.join(dist, 'index.html')))
    throw new Error('panel/web/dist is not built: run scripts/build-panel.sh');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callplan-panel-browser-'));
  fs.cpSync(path.join(source, 'examples/acme'), path.join(dir, 'acme'), { recursive: true });
  const state = path.join(dir, 'state');
  for (const [login, password] of Object.entries(passwords))
    execFileSync(bin, ['panel', 'passwd', login, '--state-dir', state], { input: password + '\n' });
  const log = fs.openSync(path.join(dir, 'panel.log'), 'w');
  const server = spawn(bin, ['panel', path.join(dir, 'acme/acme.yaml'), '--listen',
    `http://127.0.0.1:${port}`, '--state-dir', state, '--web', dist],
  { stdio: ['ignore', log, log] });
  process.env.CALLPLAN_PANEL_DIR = dir;
  process.env.CALLPLAN_PANEL_PID = String(server.pid);
  // Up within 10 s, or the run fails with the server's log.
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/session`);
      if (r.status === 401) return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  server.kill('SIGTERM');
  throw new Error('callplan panel did not start:\n' + fs.readFileSync(path.join(dir, 'panel.log'), 'utf8'));
}
