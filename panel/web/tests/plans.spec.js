// The plan editor in a real browser, on the example company's main line: the seed's "ring 001
// for 30 s, then a memory hunt over 002 and 003, then voicemail" built by dragging into the
// existing time condition, only valid places lit while dragging, a checker error shown on its
// step and fixed, the save's YAML diff exactly the intended lines with every other comment
// kept, a call tried with its trace on the steps, and a stale save refused. (The same built by
// keyboard alone, with undo and redo, is new-company.spec.js, on a company set up from nothing.)
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const tenantFile = (name) => path.join(process.env.CALLPLAN_PANEL_DIR, 'acme', name);
const shots = process.env.CALLPLAN_SCREENSHOTS; // a directory: docs/panel.md's pictures
const shot = async (page, name) => {
  if (shots) await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
};

// The lines the three steps are written as, under the main line's time condition: like the
// file's other steps (flow maps, double-quoted extensions).
const officeHours =
  '          then:\n' +
  '            - transfer: {to: "001", follow_personal_plan: false, timeout: 30, label: Reception}\n' +
  '            - ring_group:\n' +
  '                strategy: memory_hunt\n' +
  '                members: ["002", "003"]\n' +
  '                timeout: 15\n' +
  '            - voicemail: {user: "001"}\n';

// The old office-hours steps after the time condition, with the comments written above them.
const oldSteps =
  "      # Office hours: reception rings for 30 s (6 rings), without Anna's personal plan, so\n" +
  '      # that the call comes back here when she does not answer ...\n' +
  '      - transfer: {to: "001", follow_personal_plan: false, timeout: 30, label: Reception}\n' +
  '      # ... then sales joins one by one: 002, then 002+003, then 002+003+004, 15 s each.\n' +
  '      - ring_group:\n' +
  '          strategy: memory_hunt\n' +
  '          members: ["002", "003", "004"]\n' +
  '          timeout: 15\n' +
  '          label: Sales\n' +
  '      - voicemail: {user: "001"}\n';

const step = (page, address) => page.locator(`[data-testid=step][data-address="${address}"]`);
const lit = (page) => page.locator('[data-testid=drop].lit');

test.describe.serial('the plan editor', () => {
  let page;
  test.beforeAll(async ({ browser }) => {
    // Tall enough that every drop place is on screen: a drag does not scroll.
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await page.goto('/');
    await page.getByLabel('Login', { exact: true }).fill('001@acme');
    await page.getByLabel('Password').fill('anna-password-1');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Call plans', exact: true }).click();
    await expect(step(page, '1')).toContainText('001 Anna de Vries, 6 rings (30 s)');
  });
  test.afterAll(async () => page.close());

  test('builds them by dragging; a checker error on its step is fixed; the save is exactly those lines', async () => {
    test.setTimeout(60_000); // three dialogs and four previews on a loaded machine
    // While a voicemail is dragged only one place is lit: the end of office hours.
    await page.getByTestId('function-voicemail').hover();
    await page.mouse.down();
    await page.mouse.move(400, 300, { steps: 4 });
    await expect(lit(page)).toHaveCount(1);
    await expect(lit(page)).toHaveAttribute('data-list', '0/then');
    await page.mouse.up();
    await expect(lit(page)).toHaveCount(0);

    const dialog = page.getByTestId('step-dialog');
    const drop = (list, index) => page.locator(`[data-testid=drop][data-list="${list}"][data-index="${index}"]`);
    await page.getByTestId('function-transfer').dragTo(drop('0/then', 0));
    await dialog.getByLabel('User').selectOption('001');
    await dialog.getByLabel('Follow the personal plan').uncheck();
    await dialog.getByLabel('Time-out in rings').fill('6');
    await dialog.getByLabel('Label').fill('Reception');
    await dialog.getByRole('button', { name: 'OK' }).click();

    await page.getByTestId('function-ring_group').dragTo(drop('0/then', 1));
    for (const member of ['002', '003']) {
      await dialog.locator('select[name=member]').selectOption(member);
      await dialog.getByRole('button', { name: 'Add member' }).click();
    }
    await dialog.getByLabel('Strategy').selectOption('memory_hunt');
    await dialog.getByLabel('Time-out per member step').fill('3');
    await dialog.getByRole('button', { name: 'OK' }).click();

    // A mailbox whose owner has no voicemail: the checker says so on that step.
    await page.getByTestId('function-voicemail').dragTo(drop('0/then', 2));
    // (003: panel.spec.js's user 002 turns their own voicemail on.)
    await dialog.getByLabel('Mailbox of').selectOption('003');
    await dialog.getByRole('button', { name: 'OK' }).click();
    const mailbox = step(page, '0/then/2');
    await expect(mailbox.getByTestId('step-issue')).toContainText('003');
    await expect(mailbox).toHaveClass(/has-issue/);
    // ... and that the old office-hours steps can no longer be reached.
    await expect(step(page, '1').getByTestId('step-issue')).toContainText('can never run');
    // Both branches now end the call: on the main timeline a new step may only go first.
    await page.getByTestId('function-transfer').click();
    await expect(page.locator('[data-testid=place][data-list=""]')).toHaveCount(1);
    await expect(page.locator('[data-testid=place][data-list=""]')).toHaveAttribute('data-index', '0');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('place')).toHaveCount(0);
    await shot(page, 'plan-editor-error');

    await mailbox.getByRole('button', { name: 'Edit' }).click();
    await dialog.getByLabel('Mailbox of').selectOption('001');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect(mailbox.getByTestId('step-issue')).toHaveCount(0);
    for (let i = 0; i < 3; i++) await step(page, '1').getByRole('button', { name: 'Remove' }).click();
    await expect(page.locator('.plan > .timeline > [data-testid=step]')).toHaveCount(1);
    await expect(page.locator('.step.has-issue')).toHaveCount(0);
    await shot(page, 'plan-editor');

    const before = fs.readFileSync(tenantFile('plans.yaml'), 'utf8');
    await page.getByRole('button', { name: 'Review and save' }).click();
    const save = page.getByRole('dialog');
    await expect(save.getByTestId('text-diff')).toContainText('members: ["002", "003"]');
    await expect(save.getByRole('heading', { name: 'Errors' })).toHaveCount(0);
    await expect(save.getByTestId('routing-diff')).not.toBeEmpty();
    await save.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(save.getByText('Saved.')).toBeVisible();
    await save.getByRole('button', { name: 'Close' }).click();
    const anchor = '            - voicemail: {user: "001"}\n';
    expect(before).toContain(oldSteps);
    const expected = before.replace(anchor, anchor + officeHours).replace(oldSteps, '');
    expect(fs.readFileSync(tenantFile('plans.yaml'), 'utf8')).toBe(expected);
  });

  test('tries a call: the trace is shown on the steps it went through', async () => {
    await expect(page.getByRole('button', { name: 'Review and save' })).toBeDisabled();
    await page.getByLabel('At').fill('2026-11-30T10:00');
    await page.getByRole('button', { name: 'Try a call' }).click();
    await expect(step(page, '0').getByTestId('step-trace').first()).toContainText('condition');
    await expect(step(page, '0/then/0').getByTestId('step-trace')).toContainText('ring 001');
    await expect(step(page, '0/then/1').getByTestId('step-trace')).toContainText('ring 002');
    await expect(page.getByTestId('trace')).toContainText('001');
    await shot(page, 'plan-trace');
  });

  test('a plan save over a newer version is refused, and writes nothing', async () => {
    await step(page, '0/then/1').getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByTestId('step-dialog');
    await dialog.getByLabel('Label').fill('Sales');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect(step(page, '0/then/1')).toContainText('Sales');
    await page.getByRole('button', { name: 'Review and save' }).click();
    const save = page.getByRole('dialog');
    await expect(save.getByTestId('text-diff')).toContainText('label: Sales');
    fs.appendFileSync(tenantFile('schedules.yaml'), '# edited by hand meanwhile\n');
    const plans = fs.readFileSync(tenantFile('plans.yaml'), 'utf8');
    await save.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(save.getByRole('alert')).toHaveText(
      'Someone else saved in the meantime. Reload and make the change again.');
    expect(fs.readFileSync(tenantFile('plans.yaml'), 'utf8')).toBe(plans);
    await save.getByRole('button', { name: 'Close' }).click();
  });
});
