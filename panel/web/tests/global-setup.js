// Starts two `callplan panel` servers:
// - on `port`, a private copy of examples/acme with two accounts: 001@acme (Anna,
//   administrator) and 002@acme (Bram, user);
// - on `port + 1`, a new company (tests/panel/fixtures/new-company: the company and its first
//   administrator, nothing else), with the one account 001@acme, set as a
//   provider would set it: `callplan panel passwd 001@acme` (docs/panel.md, "A new company").
// Two servers, because a panel serving both would refuse the second company's main number
// (another company served here has it, CP600).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { port } from '../playwright.config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '../../..');

export const passwords = { '001@acme': 'anna-password-1', '002@acme': 'bram-password-2' };
export const newCompanyPassword = 'anna-first-login-1';

async function startPanel(bin, dist, dir, name, tenant, state, listen) {
  const log = fs.openSync(path.join(dir, name + '.log'), 'w');
  const server = spawn(bin, ['panel', tenant, '--listen', `http://127.0.0.1:${listen}`,
    '--state-dir', state, '--web', dist], { stdio: ['ignore', log, log] });
  // Up within 10 s, or the run fails with the server's log.
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${listen}/api/session`);
      if (r.status === 401) return server;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  server.kill('SIGTERM');
  throw new Error(`callplan panel (${name}) did not start:\n` +
    fs.readFileSync(path.join(dir, name + '.log'), 'utf8'));
}

export default async function globalSetup() {
  const bin = process.env.CALLPLAN_BIN;
  if (!bin || !fs.existsSync(bin)) throw new Error('CALLPLAN_BIN must name the built callplan binary');
  const dist = path.join(source, 'panel/web/dist');
  if (!fs.existsSync(path.join(dist, 'index.html')))
    throw new Error('panel/web/dist is not built: run scripts/build-panel.sh');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callplan-panel-browser-'));
  process.env.CALLPLAN_PANEL_DIR = dir;
  fs.cpSync(path.join(source, 'examples/acme'), path.join(dir, 'acme'), { recursive: true });
  fs.cpSync(path.join(source, 'tests/panel/fixtures/new-company'), path.join(dir, 'new'), { recursive: true });
  const state = path.join(dir, 'state');
  const newState = path.join(dir, 'new-state');
  for (const [login, password] of Object.entries(passwords))
    execFileSync(bin, ['panel', 'passwd', login, '--state-dir', state], { input: password + '\n' });
  execFileSync(bin, ['panel', 'passwd', '001@acme', '--state-dir', newState],
    { input: newCompanyPassword + '\n' });
  const pids = [];
  try {
    pids.push((await startPanel(bin, dist, dir, 'panel', path.join(dir, 'acme/acme.yaml'), state, port)).pid);
    pids.push((await startPanel(bin, dist, dir, 'new-company', path.join(dir, 'new/acme.yaml'), newState, port + 1)).pid);
  } finally {
    process.env.CALLPLAN_PANEL_PIDS = pids.join(',');
  }
}
