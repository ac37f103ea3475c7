// The judgement, in a real browser: a person sets up the example company in the panel
// from an empty start (tests/panel/fixtures/new-company: the company and its first
// administrator, whose password was set with `callplan panel passwd`; no schedule). She adds
// her own phone, two colleagues with theirs, the company's holidays and office hours in the
// schedules screen, the main number with a new plan, and builds it — the time condition on
// the office hours just made and the after-hours mailbox by dragging, "ring 001 for 30 s,
// then a memory hunt over 002 and 003, then voicemail" by keyboard alone — and saves.
// The saved file then checks clean with `callplan check`, routes a call as she meant with
// `callplan simulate` (also on a holiday), and still holds every line and comment it started
// with. The schedules, numbers and graph screens are scanned by axe-core on the way. Runs
// against its own server (global-setup.js, port + 1).
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { port } from '../playwright.config.js';
import { newCompanyPassword } from './global-setup.js';

const base = `http://127.0.0.1:${port + 1}`;
const tenant = () => path.join(process.env.CALLPLAN_PANEL_DIR, 'new', 'acme.yaml');
const fixture = fs.readFileSync(path.resolve('../../tests/panel/fixtures/new-company/acme.yaml'), 'utf8');
const shots = process.env.CALLPLAN_SCREENSHOTS;
const shot = async (page, name) => {
  if (shots) await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
};
const callplan = (...args) => execFileSync(process.env.CALLPLAN_BIN, args, { encoding: 'utf8' });

async function scan(page, screen) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, bad.join('\n')).toEqual([]);
}

// Tab (forwards) until the focused element's text or label starts with `name`.
async function tabTo(page, name) {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => {
      const e = document.activeElement;
      return (e?.getAttribute('aria-label') || e?.textContent || '').trim();
    });
    if (text.startsWith(name)) return;
  }
  throw new Error(`no focusable "${name}" within 120 Tab presses`);
}

// Review and save in the save dialog; returns the dialog's text diff.
async function saveDialog(page) {
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('text-diff')).not.toBeEmpty();
  await expect(dialog.getByRole('heading', { name: /^Errors/ })).toHaveCount(0);
  const diff = await dialog.getByTestId('text-diff').textContent();
  const routing = dialog.getByTestId('routing-diff');
  const callers = (await routing.count()) ? await routing.textContent() : '';
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog.getByRole('status')).toHaveText('Saved.');
  return { dialog, diff, callers };
}

async function addUser(page, extension, first, last) {
  await page.getByRole('button', { name: 'Add user' }).click();
  await page.getByLabel('Extension').fill(extension);
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Last name').fill(last);
  await page.getByLabel('E-mail').fill(`${first.toLowerCase()}@acme.example`);
  await page.getByRole('button', { name: 'Review and save' }).click();
  const { dialog } = await saveDialog(page);
  await expect(dialog.getByTestId('sip-username')).toHaveText(`acme-${first.toLowerCase()}-${extension}`);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('user-' + extension)).toContainText(`${first} ${last}`);
}

test('an administrator sets up a new company from nothing; the files check clean and route as meant', async ({ browser }) => {
  test.setTimeout(150_000); // seven saves, thirteen previews and three scans on a loaded machine
  // Tall, so that a drag never has to scroll.
  // (A context of its own: axe-core scans only pages of a context made by newContext.)
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 1600 } });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('Login', { exact: true }).fill('001@acme');
  await page.getByLabel('Password').fill(newCompanyPassword);
  await page.getByRole('button', { name: 'Log in' }).click();

  // The dashboard of an empty company: one user, no phone (an error that says so), no number.
  await expect(page.getByTestId('count-users')).toHaveText('1');
  await expect(page.getByTestId('count-devices')).toHaveText('0');
  await expect(page.getByTestId('count-numbers')).toHaveText('0');
  await expect(page.getByTestId('issues')).toContainText('CP215');

  // Her own phone, with the wizard.
  await page.getByRole('button', { name: 'Phones', exact: true }).click();
  await page.getByRole('button', { name: 'Add a phone' }).click();
  await page.getByRole('button', { name: 'Next' }).click(); // yealink
  await page.getByLabel('Which model?').fill('T54W');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('What do you call it?').fill('Reception phone');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Whose phone is it?').selectOption('001');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('wizard-username')).toHaveText('acme-reception-phone');
  await page.getByRole('button', { name: 'Done' }).click();

  // Two colleagues, each with a phone.
  await page.getByRole('button', { name: 'Users', exact: true }).click();
  await addUser(page, '002', 'Bram', 'Jansen');
  await addUser(page, '003', 'Carla', 'Visser');

  // The office hours, from nothing: first the days the office is closed (a schedule of whole
  // days), then Monday to Friday 08:30-17:30 except during those days.
  await page.getByRole('button', { name: 'Schedules', exact: true }).click();
  await expect(page.getByText('The company has no schedules yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Add schedule' }).click();
  const form = page.getByTestId('schedule-form');
  await form.getByLabel('Name', { exact: true }).fill('holidays');
  await form.getByRole('button', { name: 'Add a date' }).click();
  await form.getByLabel('Date 1', { exact: true }).fill('2026-12-25');
  await form.getByLabel('Kind of day').selectOption('easter');
  await form.getByRole('combobox', { name: /^Holiday/ }).selectOption({ label: 'Easter Monday (Easter + 1)' });
  await form.getByRole('button', { name: 'Add a day every year' }).click();
  await expect(form.getByTestId('yearly')).toHaveText(/Easter Monday/);
  await page.getByRole('button', { name: 'Review and save' }).click();
  const holidays = await saveDialog(page);
  expect(holidays.diff).toContain('+schedules:\n+  holidays:\n+    dates:\n+      - 2026-12-25\n+    yearly:\n+      - easter+1\n');
  await holidays.dialog.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('button', { name: 'Add schedule' }).click();
  await form.getByLabel('Name', { exact: true }).fill('office_hours');
  // Monday's hours by keyboard, then the same for Tuesday to Friday with one button.
  await form.getByRole('button', { name: 'Add hours on Monday' }).focus();
  await page.keyboard.press('Enter');
  await expect(form.getByLabel('Monday, hours 1, from')).toHaveValue('09:00');
  await form.getByLabel('Monday, hours 1, from').fill('08:30');
  await form.getByLabel('Monday, hours 1, to').fill('17:30');
  await form.getByRole('button', { name: 'Same hours as Monday on Tuesday to Friday' }).click();
  await expect(form.getByLabel('Friday, hours 1, to')).toHaveValue('17:30');
  await expect(form.getByTestId('day-sat')).toContainText('not in the schedule');
  await form.getByLabel('not during holidays').check();
  await scan(page, 'schedules, adding');
  await shot(page, 'schedules');
  await page.getByRole('button', { name: 'Review and save' }).click();
  const office = await saveDialog(page);
  expect(office.diff).toContain('+  office_hours:\n+    weekly:\n+      - days: mon-fri\n+        from: "08:30"\n' +
    '+        to: "17:30"\n+    except:\n+      - holidays\n');
  await office.dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('schedule-office_hours')).toContainText('Monday–Friday 08:30–17:30');

  // The main number, with a new plan: an empty timeline.
  await page.getByRole('button', { name: 'Numbers', exact: true }).click();
  await expect(page.getByText('The company has no numbers yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Add number' }).click();
  await page.getByLabel('Number', { exact: true }).fill('+31881234567');
  await page.getByLabel('Label').fill('Main line');
  await expect(page.getByRole('combobox', { name: 'Call plan' })).toHaveValue(/new/);
  await page.getByLabel('Name of the new plan').fill('main');
  await scan(page, 'numbers, adding');
  await page.getByRole('button', { name: 'Review and save' }).click();
  const added = await saveDialog(page);
  expect(added.diff).toContain('+numbers:\n+  - number: "+31881234567"\n+    plan: main\n+    label: Main line\n');
  expect(added.diff).toContain('+plans:\n+  - id: main\n+    label: Main line\n');
  await added.dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('number-+31881234567')).toContainText('Main line (main)');
  await shot(page, 'numbers');

  // From the number to its plan.
  await page.getByRole('button', { name: 'Call plan of +31881234567' }).click();
  await expect(page.getByText('No steps yet: drag a function here.')).toBeVisible();
  const dialog = page.getByTestId('step-dialog');
  const drop = (list, index) => page.locator(`[data-testid=drop][data-list="${list}"][data-index="${index}"]`);
  const step = (address) => page.locator(`[data-testid=step][data-address="${address}"]`);

  // By dragging: office hours, and after hours the company mailbox (Anna's).
  await page.getByTestId('function-time_condition').dragTo(drop('', 0));
  // Offered first: the office hours just made (the holidays are only taken out of them).
  await expect(dialog.getByLabel('Schedule')).toHaveValue('office_hours');
  expect(await dialog.getByLabel('Schedule').locator('option').allTextContents()).toEqual(['holidays', 'office_hours']);
  await dialog.getByRole('button', { name: 'OK' }).click();
  await page.getByTestId('function-voicemail').dragTo(drop('0/else', 0));
  await expect(dialog.getByLabel('Mailbox of')).toHaveValue('001');
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(step('0/else/0')).toContainText('001 Anna de Vries');

  // By keyboard alone: ring 001 for 30 s, then a memory hunt over 002 and 003, then voicemail.
  await page.getByTestId('function-transfer').focus();
  await page.keyboard.press('Enter');
  await tabTo(page, 'Put here: at the start of "within office_hours"');
  await page.keyboard.press('Enter');
  await expect(dialog.getByLabel('User')).toBeFocused();
  await page.keyboard.press('ArrowDown'); // 001 Anna de Vries
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space'); // follow the personal plan: off
  await page.keyboard.press('Tab'); // the time-out: 6 rings (30 s) already
  await expect(dialog.getByLabel('Time-out in rings')).toHaveValue('6');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Reception');
  await page.keyboard.press('Enter');
  await expect(step('0/then/0')).toContainText('001 Anna de Vries, 6 rings (30 s), rings the phones only');

  await tabTo(page, 'Add Ring group');
  await page.keyboard.press('Enter');
  await tabTo(page, 'Put here: after step 1 of "within office_hours"');
  await page.keyboard.press('Enter');
  await expect(dialog.getByLabel('Add member')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown'); // 002
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown'); // 003 (002 is a member now)
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('members')).toHaveText(/002 Bram.*003 Carla/s);
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown'); // memory hunt
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('3');
  await page.keyboard.press('Enter');
  await expect(step('0/then/1')).toContainText('one more each time, 3 rings (15 s)');

  // Voicemail ends the call: it may go only at the end of a timeline that goes on after its
  // last step: after the ring group, or after the time condition (whose office hours do not
  // end the call yet); not after the after-hours mailbox.
  await tabTo(page, 'Add Voicemail');
  await page.keyboard.press('Enter');
  const places = page.getByTestId('place');
  await expect(places).toHaveCount(2);
  expect(await places.evaluateAll((ps) => ps.map((p) => `${p.dataset.list}@${p.dataset.index}`).sort()))
    .toEqual(['0/then@2', '@1']);
  await tabTo(page, 'Put here: after step 2 of "within office_hours"');
  await page.keyboard.press('Enter');
  await expect(dialog.getByLabel('Mailbox of')).toBeFocused(); // 001 Anna de Vries
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  const lane = page.getByTestId('lane-0/then').locator('[data-testid=step]');
  await expect(lane).toHaveCount(3);
  // Undo three times and redo three times (Ctrl+Z, Ctrl+Y), and once more with the buttons.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Control+z');
  await expect(lane).toHaveCount(0);
  for (let i = 0; i < 3; i++) await page.keyboard.press('Control+y');
  await expect(lane).toHaveCount(3);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(lane).toHaveCount(2);
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(lane).toHaveCount(3);
  await expect(page.locator('.step.has-issue')).toHaveCount(0);
  await shot(page, 'new-company-plan');

  await page.getByRole('button', { name: 'Review and save' }).click();
  const built = await saveDialog(page);
  // What changes for callers, in the diff's words: office hours as built, else the mailbox.
  expect(built.callers).toContain('calls to +31 88 123 4567 (Main line) now: Reception [001 30 s], ' +
    'then ring 002 15 s → +003 15 s, then voicemail 001 at 60 s (was: unanswered)');
  expect(built.callers).toContain('Sat, Sun all day: calls to +31 88 123 4567 (Main line) now: voicemail 001');
  await built.dialog.getByRole('button', { name: 'Close' }).click();

  // The files: every line the company started with is still there, in place; they check clean
  // and route a call as she meant.
  const saved = fs.readFileSync(tenant(), 'utf8');
  expect(saved.startsWith(fixture)).toBe(true);
  const check = callplan('check', tenant());
  expect(check).not.toMatch(/error|warning/);
  const monday = JSON.parse(callplan('simulate', tenant(), '--to', '+31881234567', '--at', '2026-11-30T10:00', '--format', 'json'));
  const rings = monday.events.filter((e) => e.type === 'ring').map((e) => [e.t, e.targets, e.step]);
  expect(rings).toEqual([
    [0, ['001'], 'main/0/then/0'],   // reception: 6 rings
    [30, ['002'], 'main/0/then/1'],  // then one more each time, 15 s a step
    [45, ['003'], 'main/0/then/1'],
  ]);
  expect(monday.result).toMatchObject({ disposition: 'voicemail', user: '001' });
  // Sunday: closed, straight to the company mailbox.
  const sunday = JSON.parse(callplan('simulate', tenant(), '--to', '+31881234567', '--at', '2026-11-29T10:00', '--format', 'json'));
  expect(sunday.events.filter((e) => e.type === 'ring')).toEqual([]);
  expect(sunday.result).toMatchObject({ disposition: 'voicemail', user: '001' });
  // Christmas (a Friday) and Easter Monday: the holidays she added, closed as on a Sunday.
  for (const holiday of ['2026-12-25T10:00', '2027-03-29T10:00']) {
    const closed = JSON.parse(callplan('simulate', tenant(), '--to', '+31881234567', '--at', holiday, '--format', 'json'));
    expect(closed.events.filter((e) => e.type === 'ring'), holiday).toEqual([]);
    expect(closed.events.find((e) => e.type === 'condition')).toMatchObject({ schedule: 'office_hours', matched: false });
    expect(closed.result).toMatchObject({ disposition: 'voicemail', user: '001' });
  }

  // The number's graph, from the numbers screen: a drawing with a text alternative.
  await page.getByRole('button', { name: 'Numbers', exact: true }).click();
  await page.getByRole('button', { name: 'Graph of +31881234567' }).click();
  await expect(page.getByTestId('graph')).toBeVisible();
  await expect(page.getByTestId('graph').locator('[data-node="main/0"]')).toContainText('office_hours');
  const text = page.getByTestId('graph-text');
  await expect(text).toContainText('open (office_hours) → Transfer');
  await expect(text).toContainText('closed (office_hours) → Voicemail');
  await scan(page, 'graph');
  if (shots) { // the whole drawing in the picture: a window as wide as the graph
    await page.setViewportSize({ width: 2300, height: 1100 });
    await shot(page, 'graph');
    await page.setViewportSize({ width: 1280, height: 1600 });
  }

  // A second number straight to a user (a plan of one transfer that follows 002's personal
  // plan), then by keyboard alone pointed at a new plan of its own, then removed with that
  // plan: the file is what it was, plus the user's plan.
  await page.getByRole('button', { name: 'Numbers', exact: true }).click();
  await page.getByRole('button', { name: 'Add number' }).click();
  await page.getByLabel('Number', { exact: true }).fill('+31881234568');
  await page.getByLabel('Label').fill('Support line');
  await page.getByRole('combobox', { name: 'Call plan' }).selectOption({ label: 'Ring 002 Bram Jansen (their personal plan)' });
  await page.getByRole('button', { name: 'Review and save' }).click();
  const direct = await saveDialog(page);
  expect(direct.diff).toContain('+  - id: user-002\n+    label: Rings Bram Jansen\n');
  expect(direct.callers).toContain('calls to +31 88 123 4568 (Support line) now: ');
  await direct.dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('number-+31881234568')).toContainText('Rings Bram Jansen (user-002)');

  await page.getByRole('button', { name: 'Change +31881234568' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Number', { exact: true })).toHaveValue('+31881234568');
  await page.getByRole('combobox', { name: 'Call plan' }).focus();
  await page.keyboard.press('ArrowDown'); // after the plans main and user-002: a new plan
  await expect(page.getByRole('combobox', { name: 'Call plan' })).toHaveValue(/new/);
  await page.keyboard.press('Tab');
  await page.keyboard.type('support');
  await page.keyboard.press('Enter'); // submits: the save dialog
  const change = page.getByRole('dialog');
  await expect(change.getByTestId('text-diff')).toContainText('-    plan: user-002');
  await expect(change.getByTestId('text-diff')).toContainText('+    plan: support');
  await expect(change.getByTestId('routing-diff')).toContainText('+31 88 123 4568');
  await tabTo(page, 'Save');
  await page.keyboard.press('Enter');
  await expect(change.getByRole('status')).toHaveText('Saved.');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('number-+31881234568')).toContainText('Support line (support)');

  await page.getByRole('button', { name: 'Remove +31881234568' }).click();
  await page.getByLabel('Also remove its call plan Support line (support)').check();
  await page.getByRole('button', { name: 'Review and save' }).click();
  await (await saveDialog(page)).dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('number-+31881234568')).toHaveCount(0);
  const final = fs.readFileSync(tenant(), 'utf8');
  const userPlan = final.slice(final.indexOf('  - id: user-002\n'), final.indexOf('numbers:\n'));
  expect(userPlan).toBe('  - id: user-002\n    label: Rings Bram Jansen\n    steps:\n      - transfer:\n          to: "002"\n');
  expect(final.replace(userPlan, '')).toBe(saved);
  await context.close();
});
