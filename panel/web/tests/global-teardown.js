import fs from 'node:fs';

// Stops the servers global-setup.js started, by their process ids.
export default async function globalTeardown() {
  for (const pid of (process.env.CALLPLAN_PANEL_PIDS || '').split(',').filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch { /* already gone */ }
  }
  const dir = process.env.CALLPLAN_PANEL_DIR;
  if (dir && !process.env.CALLPLAN_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
}
