// Every screen scanned by axe-core (the WCAG 2.0, 2.1 and 2.2 A and AA rules) in Debian's
// Chromium: no serious or critical violation on the login, the dashboard, the users with the
// add form, the schedules with the holidays' form, the plan editor placing a step with keys
// (with a tried call), a step dialog, the save dialog and "my settings". Runs first (file
// order), on the example company as shipped.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

async function scan(page, screen) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, bad.join('\n')).toEqual([]);
}

async function login(page, who, password) {
  await page.goto('/');
  await page.getByLabel('Login', { exact: true }).fill(who);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('every screen has no serious or critical accessibility violation', async ({ page }) => {
  test.setTimeout(120_000); // eight scans, a few seconds each on a loaded machine
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await scan(page, 'login');
  await login(page, '001@acme', 'anna-password-1');
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await scan(page, 'dashboard');
  await page.getByRole('button', { name: 'Users', exact: true }).click();
  await page.getByRole('button', { name: 'Add user' }).click();
  await scan(page, 'users');
  await page.getByRole('button', { name: 'Schedules', exact: true }).click();
  await page.getByRole('button', { name: 'Edit schedule holidays' }).click();
  await expect(page.getByTestId('yearly').locator('li')).toHaveCount(9);
  await scan(page, 'schedules, editing');
  await page.getByRole('button', { name: 'Call plans', exact: true }).click();
  await expect(page.locator('[data-testid=step]').first()).toBeVisible();
  await page.getByRole('button', { name: 'Try a call' }).click();
  await expect(page.getByTestId('trace')).toBeVisible();
  await page.getByTestId('function-ring_group').click(); // placing by keys: the places are buttons
  await expect(page.getByTestId('place').first()).toBeVisible();
  await scan(page, 'plans, placing');
  await page.getByTestId('place').first().click();
  await expect(page.getByTestId('step-dialog')).toBeVisible();
  await scan(page, 'ring group dialog');
  await page.getByTestId('step-dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.locator('[data-testid=step][data-address="3"]').getByRole('button', { name: 'Edit' }).click();
  await page.getByTestId('step-dialog').getByLabel('Mailbox of').selectOption('005');
  await page.getByTestId('step-dialog').getByRole('button', { name: 'OK' }).click();
  await page.getByRole('button', { name: 'Review and save' }).click();
  await expect(page.getByTestId('text-diff')).toBeVisible();
  await scan(page, 'save dialog');
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'My settings' }).click();
  await scan(page, 'my settings');
});
