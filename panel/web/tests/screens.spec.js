// The panel's screens in a real browser: the dashboard (each number now, check results linked
// to their screen), users (edit, duplicate, CSV import with a dry run), the device wizard with
// its SIP login shown once, "my settings" (own personal plan) for a user who cannot reach
// anyone else's settings through the API, and the schedules (a rename, hours added, a
// schedule in use kept). Runs after panel.spec.js on the same tenant copy.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const tenantFile = (name) => path.join(process.env.CALLPLAN_PANEL_DIR, 'acme', name);
const read = (name) => fs.readFileSync(tenantFile(name), 'utf8');
const shots = process.env.CALLPLAN_SCREENSHOTS;

async function login(page, who, password) {
  await page.goto('/');
  await page.getByLabel('Login', { exact: true }).fill(who);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
}

// The changed lines of the save dialog's text diff.
async function changedLines(dialog) {
  const text = await dialog.getByTestId('text-diff').textContent();
  return text.split('\n').filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));
}

test.describe.serial('the administrator\'s screens', () => {
  let page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    await login(page, '001@acme', 'anna-password-1');
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  });
  test.afterAll(async () => page.close());

  test('the dashboard says what each number does now and links check results', async () => {
    const main = page.getByTestId('now-+31881234567');
    await expect(main).toContainText('Main line');
    await expect(main.locator('strong')).not.toHaveText('');
    await expect(page.getByText('Registrations are shown when the panel runs inside callplan serve.'))
      .toBeVisible();
    await shot(page, 'dashboard-now');
    // A user without a phone, written by hand: the check error links to the Users screen.
    const users = read('users.yaml');
    fs.appendFileSync(tenantFile('users.yaml'), '  - extension: "098"\n    first_name: No\n    last_name: Phone\n');
    try {
      await page.getByRole('button', { name: 'Users', exact: true }).click();
      await page.getByRole('button', { name: 'Dashboard', exact: true }).click();
      const issues = page.getByTestId('issues');
      await expect(issues).toContainText('098');
      await issues.getByRole('button', { name: 'Open: Users' }).first().click();
      await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
    } finally {
      fs.writeFileSync(tenantFile('users.yaml'), users);
    }
    await page.reload();
  });

  test('edits a user: the diff is the one changed line', async () => {
    await page.getByRole('button', { name: 'Users', exact: true }).click();
    await page.getByRole('button', { name: 'Edit 004' }).click();
    await page.getByLabel('E-mail').fill('daan.bakker@acme.example');
    await page.getByRole('button', { name: 'Review and save' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('text-diff')).toContainText('daan.bakker');
    expect(await changedLines(dialog)).toEqual(
      ['-    email: daan@acme.example', '+    email: daan.bakker@acme.example']);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog.getByRole('status')).toHaveText('Saved.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('user-004')).toContainText('daan.bakker@acme.example');
  });

  test('duplicates a user: same role, caller ID and phone brand, new name', async () => {
    await page.getByRole('button', { name: 'Duplicate 003' }).click();
    await expect(page.getByLabel('Caller ID')).toHaveValue('+31881234568');
    await page.getByLabel('Extension').fill('010');
    await page.getByLabel('First name').fill('Jet');
    await page.getByLabel('Last name').fill('Smit');
    await page.getByRole('button', { name: 'Review and save' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('text-diff')).toContainText('first_name: Jet');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog.getByRole('status')).toHaveText('Saved.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('user-010')).toContainText('+31881234568');
    expect(read('users.yaml')).toContain('  - extension: "010"\n    first_name: Jet\n    last_name: Smit\n    caller_id: "+31881234568"\n');
  });

  test('imports users from CSV: a dry run writes nothing, then the save writes them', async () => {
    const form = page.getByRole('form', { name: 'Import users from CSV' });
    await form.getByLabel('CSV text').fill('extension,first_name,last_name,email\n020,Koen\n');
    await form.getByRole('button', { name: 'Dry run' }).click();
    await expect(form.getByRole('alert')).toHaveText(
      'Line 2: at least extension, first and last name are needed');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await form.getByLabel('CSV text').fill(
      'extension,first_name,last_name,email,role,voicemail\n' +
      '020,Koen,Mulder,koen@acme.example,user,yes\n"021","Lotte","de Groot, jr.",,,\n');
    const before = read('users.yaml');
    await form.getByRole('button', { name: 'Dry run' }).click();
    await expect(form.getByRole('status')).toHaveText('2 users read.');
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('text-diff')).toContainText('first_name: Lotte');
    await shot(page, 'csv-dry-run');
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(read('users.yaml')).toBe(before); // the dry run wrote nothing
    await form.getByRole('button', { name: 'Dry run' }).click();
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog.getByRole('status')).toHaveText('Saved.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('user-021')).toContainText('de Groot, jr.');
    expect(read('users.yaml')).toMatch(/    last_name: "?de Groot, jr\."?\n/);
  });

  test('the device wizard ends with the SIP login, shown once', async () => {
    await page.getByRole('button', { name: 'Phones', exact: true }).click();
    await page.getByRole('button', { name: 'Add a phone' }).click();
    await page.getByLabel('snom').check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Which model?').fill('D785');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('What do you call it?').fill('Koen desk phone');
    await expect(page.getByLabel('Short id (letters, digits, dashes)')).toHaveValue('koen-desk-phone');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Whose phone is it?').selectOption({ label: '020 Koen Mulder' });
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('wizard-diff')).toContainText('+    brand: snom');
    await shot(page, 'device-wizard');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByTestId('wizard-username')).toHaveText('acme-koen-desk-phone');
    const password = await page.getByTestId('wizard-password').textContent();
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    await shot(page, 'device-credentials');
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByTestId('phone-koen-desk-phone')).toContainText('020 Koen Mulder');
    // Never again: not in the page, not in any answer, not in the files.
    expect(await page.content()).not.toContain(password);
    const answers = await page.evaluate(async () => [await (await fetch('/api/model')).text(),
      await (await fetch('/api/dashboard')).text(), await (await fetch('/api/me')).text()]);
    for (const a of answers) expect(a).not.toContain(password);
    expect(read('devices.yaml')).not.toContain(password);
  });

  test('the dashboard in Dutch', async () => {
    await page.getByRole('button', { name: 'Dashboard', exact: true }).click();
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await expect(page.getByRole('heading', { name: 'Wat elk nummer nu doet' })).toBeVisible();
    await page.getByRole('button', { name: 'Telefoons', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Telefoon toevoegen' })).toBeVisible();
    await page.getByRole('button', { name: 'English' }).click();
  });
});

test('my settings: a user sets their own plan and cannot reach another user\'s settings', async ({ page }) => {
  await login(page, '002@acme', 'bram-password-2');
  await expect(page.getByRole('heading', { name: 'My settings' })).toBeVisible();
  const result = await page.evaluate(async () => {
    const me = await (await fetch('/api/me')).json();
    const post = (url, body) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body) }).then((r) => r.status);
    return {
      me: me.user.extension,
      otherPlan: await post('/api/save', { version: me.version, changes: [{ op: 'set_personal_plan',
        extension: '003', ring_seconds: 5, forward_to: '+31900123456', forward_seconds: 60 }] }),
      otherVoicemail: await post('/api/preview', { changes: [{ op: 'update_user', extension: '003',
        set: { voicemail: false } }] }),
      otherPassword: await post('/api/user-password', { extension: '001', new: 'taken-over-password' }),
      dashboard: (await fetch('/api/dashboard')).status,
    };
  });
  expect(result).toEqual({ me: '002', otherPlan: 403, otherVoicemail: 403, otherPassword: 403,
    dashboard: 403 });
  expect(read('plans.yaml')).not.toContain('personal-003');

  await page.getByLabel('My own plan').check();
  await page.getByLabel('Ring my phones for (seconds)').fill('20');
  await page.getByLabel('Then forward to (number or extension, optional)').fill('+31612345678');
  await page.getByLabel('Ring there for (seconds)').fill('15');
  await page.getByLabel('Then voicemail', { exact: true }).check();
  await shot(page, 'my-settings');
  await page.getByRole('button', { name: 'Save my plan' }).click();
  await expect(page.getByRole('form', { name: 'When someone calls me' }).getByRole('status'))
    .toHaveText('Saved.');
  const plans = read('plans.yaml');
  expect(plans).toContain('personal-002');
  expect(plans).toContain('+31612345678');
  expect(read('users.yaml')).toContain('    plan: personal-002\n');
  await page.reload();
  await expect(page.getByLabel('Then forward to (number or extension, optional)')).toHaveValue('+31612345678');
});

test('the first screen is interactive quickly on loopback (docs/performance.md)', async ({ page }) => {
  await page.goto('/');
  // In the browser's own clock: from navigation start to the login button enabled (the app has
  // loaded, asked /api/session and drawn the form).
  const ms = await page.evaluate(() => new Promise((resolve) => {
    const ready = () => {
      const b = [...document.querySelectorAll('button')].find((x) => x.textContent.trim() === 'Log in');
      if (b && !b.disabled) resolve(Math.round(performance.now()));
      else requestAnimationFrame(ready);
    };
    ready();
  }));
  const nav = await page.evaluate(() => {
    const [n] = performance.getEntriesByType('navigation');
    return { domInteractive: Math.round(n.domInteractive), load: Math.round(n.loadEventEnd) };
  });
  console.log(`first screen interactive: ${ms} ms after navigation start (${JSON.stringify(nav)})`);
  // The issue's bound (docs/performance.md, "First screen and bundle").
  expect(ms).toBeLessThan(1000);
});

// The schedules screen on the example company's commented schedules.yaml: a schedule that a
// time condition uses is not offered for removal (the screen says by what); Saturday hours
// and a new name in one save are exactly those lines, the plan's time condition follows the
// name, and every comment stays. Last in file order: it renames the example's office hours.
test('schedules: a schedule in use is kept; Saturday hours and a rename keep every comment', async ({ page }) => {
  await login(page, '001@acme', 'anna-password-1');
  await page.getByRole('button', { name: 'Schedules', exact: true }).click();
  await expect(page.getByTestId('schedule-office_hours')).toContainText('time condition main/0');
  await page.getByRole('button', { name: 'Remove schedule office_hours' }).click();
  await expect(page.getByRole('alert')).toContainText('it is used by time condition main/0');
  await expect(page.getByRole('button', { name: 'Review and save' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Cancel' }).click();

  const schedules = read('schedules.yaml');
  const plans = read('plans.yaml');
  await page.getByRole('button', { name: 'Edit schedule office_hours' }).click();
  await page.getByRole('button', { name: 'Add hours on Saturday' }).click();
  await page.getByLabel('Saturday, hours 1, from').fill('10:00');
  await page.getByLabel('Saturday, hours 1, to').fill('14:00');
  await page.getByLabel('Name', { exact: true }).fill('opening_hours');
  await page.getByRole('button', { name: 'Review and save' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('routing-diff')).toContainText('Sat');
  expect((await changedLines(dialog)).sort()).toEqual([
    '+          schedule: opening_hours', '+        from: "10:00"', '+        to: "14:00"',
    '+      - days: sat', '+  opening_hours:', '-          schedule: office_hours', '-  office_hours:']);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog.getByRole('status')).toHaveText('Saved.');
  const anchor = '        to: "17:30"            # exclusive: a call at 17:30:00 is after hours\n';
  expect(read('schedules.yaml')).toBe(schedules.replace('  office_hours:\n', '  opening_hours:\n')
    .replace(anchor, anchor + '      - days: sat\n        from: "10:00"\n        to: "14:00"\n'));
  expect(read('plans.yaml')).toBe(plans.replace('schedule: office_hours', 'schedule: opening_hours'));
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('schedule-opening_hours')).toContainText('Saturday 10:00–14:00');
});
