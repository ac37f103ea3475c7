// The schedules screen's form without a browser (node --test; ctest `panel_plan_steps`): the
// days with the same hours become one window, a form that was not changed sends nothing, and
// each edit sends only what changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankForm, toForm, weeklyOf, changesOf, nextDay } from './schedule_form.js';

// examples/acme's office hours, as /api/model gives them.
const office = {
  name: 'office_hours', timezone: '', dates: [], ranges: [], yearly: [], except: ['holidays'],
  weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:30', to: '17:30' }],
};

test('days with the same hours are one window, in the order of the week', () => {
  const days = blankForm().days;
  for (const d of [0, 1, 2, 3, 4]) days[d].push({ from: '08:30', to: '12:00' }, { from: '13:00', to: '17:30' });
  days[5].push({ from: '10:00', to: '00:00' }); // Saturday until the end of the day
  assert.deepEqual(weeklyOf(days), [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:30', to: '12:00' },
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '13:00', to: '17:30' },
    { days: ['sat'], from: '10:00', to: '24:00' },
  ]);
});

test('a schedule read into the form and not changed sends nothing', () => {
  assert.deepEqual(changesOf(toForm(office), office), []);
  const split = { ...office, weekly: [{ days: ['mon', 'tue'], from: '08:30', to: '17:30' },
                                      { days: ['wed', 'thu', 'fri'], from: '08:30', to: '17:30' }] };
  assert.deepEqual(changesOf(toForm(split), split), []);
});

test('an edit sends only the lists that changed; a rename comes first', () => {
  const form = toForm(office);
  form.days[5].push({ from: '10:00', to: '14:00' });
  form.except = [];
  form.name = 'opening_hours';
  assert.deepEqual(changesOf(form, office), [
    { op: 'rename_schedule', schedule: 'office_hours', to: 'opening_hours' },
    { op: 'update_schedule', schedule: 'opening_hours', set: {
      weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:30', to: '17:30' },
               { days: ['sat'], from: '10:00', to: '14:00' }],
      except: [] } },
  ]);
});

test('a new schedule sends what it has', () => {
  const form = blankForm();
  form.name = 'holidays';
  form.dates = ['2026-12-24', ''];
  form.yearly = ['12-25', 'easter+1', { month: 'nov', weekday: 'thu', nth: 4 }];
  assert.deepEqual(changesOf(form, null), [{ op: 'add_schedule', schedule: {
    name: 'holidays', dates: ['2026-12-24'], yearly: ['12-25', 'easter+1', { month: 'nov', weekday: 'thu', nth: 4 }] } }]);
});

test('a range that ends before it starts runs into the next day', () => {
  assert.equal(nextDay({ from: '22:00', to: '06:00' }), true);
  assert.equal(nextDay({ from: '18:00', to: '00:00' }), false); // the end of the day
  assert.equal(nextDay({ from: '08:30', to: '17:30' }), false);
});
