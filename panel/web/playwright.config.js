// Browser tests of the panel (docs/panel.md, "Browser tests"): Debian's Chromium, driven
// headless by Playwright; Playwright never downloads a browser of its own. Run by ctest
// (tests/panel/tests.cmake) with CALLPLAN_BIN set to the built `callplan`.
import { defineConfig } from '@playwright/test';

export const port = Number(process.env.CALLPLAN_PANEL_TEST_PORT || 26100);

export default defineConfig({
  testDir: 'tests',
  globalSetup: './tests/global-setup.js',
  globalTeardown: './tests/global-teardown.js',
  workers: 1, // one panel, one tenant copy: the tests run in order
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 }, // a loaded CI machine: a login is an Argon2id hash
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: process.env.CALLPLAN_CHROMIUM || '/usr/bin/chromium' },
    locale: 'en-GB',
  },
});
