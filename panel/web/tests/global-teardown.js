import fs from 'node:fs';

export default async function globalTeardown() {
  const pid = Number(process.env.CALLPLAN_PANEL_PID);
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch { /* already gone */ }
  }
  const dir = process.env.CALLPLAN_PANEL_DIR;
  if (dir && !process.env.CALLPLAN_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
}
