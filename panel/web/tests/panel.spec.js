// The panel in a real browser: log in, dashboard, add a user and their phone, the saved YAML
// is exactly the intended lines with every comment kept, the plan timeline and a simulated
// call, a wrong password refused, and a user who cannot act as an administrator.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const tenantFile = (name) => path.join(process.env.CALLPLAN_PANEL_DIR, 'acme', name);
const original = (name) => fs.readFileSync(path.resolve('../../examples/acme', name), 'utf8');
const shots = process.env.CALLPLAN_SCREENSHOTS; // a directory: docs/panel.md's pictures

async function login(page, who, password) {
  await page.goto('/');
  await page.getByLabel('Login', { exact: true }).fill(who);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
}

test('a wrong password is refused', async ({ page }) => {
  await login(page, '001@acme', 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('Unknown login or wrong password.');
  await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
  const cookies = await page.context().cookies();
  expect(cookies.filter((c) => c.name.startsWith('__Host-'))).toHaveLength(0);
});

// The administrator's tests share one logged-in page (a login costs an Argon2id hash).
test.describe.serial('the administrator', () => {
  let page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    await login(page, '001@acme', 'anna-password-1');
  });
  test.afterAll(async () => page.close());

  test('sees the dashboard; the session cookie is HttpOnly, Secure, Strict', async () => {
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('count-users')).toHaveText('6');
    await expect(page.getByTestId('count-devices')).toHaveText('7');
    await expect(page.getByTestId('count-numbers')).toHaveText('2');
    await expect(page.getByTestId('check-clean')).toBeVisible();
    await shot(page, 'dashboard');
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === '__Host-callplan-session');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  test('adds a user with a phone: the YAML diff is exactly the intended lines', async () => {
    const usersBefore = fs.readFileSync(tenantFile('users.yaml'), 'utf8');
    const devicesBefore = fs.readFileSync(tenantFile('devices.yaml'), 'utf8');
    await page.getByRole('button', { name: 'Users', exact: true }).click();
    await expect(page.getByTestId('user-006')).toContainText('Floor de Boer');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByLabel('Extension').fill('007');
    await page.getByLabel('First name').fill('Gijs');
    await page.getByLabel('Last name').fill('de Boer');
    await page.getByLabel('E-mail').fill('gijs@acme.example');
    await page.getByLabel('Device id').fill('gijs-desk');
    await page.getByLabel('Device name').fill('Gijs desk phone');
    await page.getByLabel('Model').fill('T54W');
    await shot(page, 'add-user');
    await page.getByRole('button', { name: 'Review and save' }).click();
    const dialog = page.getByRole('dialog');
    const added = [
      '+  - id: gijs-desk', '+    name: Gijs desk phone', '+    user: "007"', '+    brand: yealink',
      '+    model: T54W', '+    sip:', '+      ha1_md5: <hidden>',
      '+  - extension: "007"', '+    first_name: Gijs', '+    last_name: de Boer',
      '+    email: gijs@acme.example',
    ];
    const diff = dialog.getByTestId('text-diff');
    await expect(diff).toContainText('+++ b/users.yaml');
    const changed = (await diff.textContent()).split('\n')
      .filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));
    expect(changed).toEqual(added);
    await shot(page, 'save-dialog');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog.getByRole('status')).toHaveText('Saved.');
    await expect(dialog.getByTestId('sip-username')).toHaveText('acme-gijs-desk');
    const sipPassword = await dialog.getByTestId('sip-password').textContent();
    expect(sipPassword).toMatch(/^[A-Za-z0-9]{20}$/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('user-007')).toContainText('Gijs de Boer');

    // On disk: the old text, byte for byte (every comment kept), then exactly the new lines.
    const usersAfter = fs.readFileSync(tenantFile('users.yaml'), 'utf8');
    const devicesAfter = fs.readFileSync(tenantFile('devices.yaml'), 'utf8');
    expect(usersBefore).toBe(original('users.yaml'));
    expect(usersAfter).toBe(usersBefore +
      '  - extension: "007"\n    first_name: Gijs\n    last_name: de Boer\n    email: gijs@acme.example\n');
    expect(devicesAfter.startsWith(devicesBefore)).toBe(true);
    expect(devicesAfter.slice(devicesBefore.length)).toMatch(
      /^  - id: gijs-desk\n    name: Gijs desk phone\n    user: "007"\n    brand: yealink\n    model: T54W\n    sip:\n      ha1_md5: "?[0-9a-f]{32}"?\n$/);
    expect(devicesAfter).not.toContain(sipPassword);
  });

  test('a save over a newer version is refused, and writes nothing', async () => {
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByLabel('Extension').fill('008');
    await page.getByLabel('First name').fill('Hanna');
    await page.getByLabel('Last name').fill('Bos');
    await page.getByLabel('Device id').fill('hanna-desk');
    await page.getByRole('button', { name: 'Review and save' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('text-diff')).toContainText('first_name: Hanna');
    // Meanwhile someone edits a file of the tenant by hand.
    const users = fs.readFileSync(tenantFile('users.yaml'), 'utf8');
    fs.appendFileSync(tenantFile('plans.yaml'), '# edited by hand meanwhile\n');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog.getByRole('alert')).toHaveText(
      'Someone else saved in the meantime. Reload and make the change again.');
    expect(fs.readFileSync(tenantFile('users.yaml'), 'utf8')).toBe(users);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  test('sees a plan as a timeline, and tries a call', async () => {
    await page.getByRole('button', { name: 'Call plans', exact: true }).click();
    const steps = page.locator('.plan > .timeline > [data-testid=step]');
    await expect(steps).toHaveCount(4);
    await expect(steps.nth(1)).toContainText('Reception');
    await expect(steps.nth(1)).toContainText('001 Anna de Vries, 6 rings (30 s)');
    await expect(steps.nth(2)).toContainText('one more each time');
    await page.getByRole('button', { name: 'Try a call' }).click();
    await expect(page.getByTestId('trace')).toContainText('001');
    await shot(page, 'plan');
  });

  test('switches to Dutch', async () => {
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await expect(page.getByRole('button', { name: 'Gebruikers', exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Belplannen' })).toBeVisible();
    await page.getByRole('button', { name: 'English' }).click();
  });
});

test('a user cannot save the company nor read it, but may change their own voicemail', async ({ page }) => {
  await login(page, '002@acme', 'bram-password-2');
  await expect(page.getByRole('heading', { name: 'My settings' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Users', exact: true })).toHaveCount(0);
  // Straight to the API, as a crafted request from this logged-in browser would.
  const result = await page.evaluate(async () => {
    const me = await (await fetch('/api/me')).json();
    const post = (url, body) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body) }).then((r) => r.status);
    return {
      model: (await fetch('/api/model')).status,
      addUser: await post('/api/save', { version: me.version,
        changes: [{ op: 'add_user', user: { extension: '099', first_name: 'X' } }] }),
      promote: await post('/api/save', { version: me.version,
        changes: [{ op: 'update_user', extension: '002', set: { role: 'admin' } }] }),
      other: await post('/api/save', { version: me.version,
        changes: [{ op: 'update_user', extension: '003', set: { voicemail: true } }] }),
    };
  });
  expect(result).toEqual({ model: 403, addUser: 403, promote: 403, other: 403 });
  expect(fs.readFileSync(tenantFile('users.yaml'), 'utf8')).not.toContain('099');
  await page.getByLabel('Voicemail on').check();
  await page.getByRole('button', { name: 'Save' }).first().click();
  await expect(page.getByRole('status').first()).toHaveText('Saved.');
  expect(fs.readFileSync(tenantFile('users.yaml'), 'utf8')).toContain(
    '    caller_id: "+31881234568"\n    voicemail: true\n  - extension: "003"');
});
