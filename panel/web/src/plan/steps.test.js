// The plan editor's model without a browser (node --test; ctest `panel_plan_steps`): changes
// applied as plan_changes.cpp applies them to the YAML, where a step may go, and the address
// a moved step gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apply, validPlaces, addressAfterRemoval, issuesByStep, traceByStep, ends } from './steps.js';

const users = [{ extension: '001', voicemail: true }, { extension: '002' }, { extension: '003' }];
const step = (kind, fields, at = null) => ({ kind, label: '', at, fields });

// The main line of examples/acme, as /api/model gives it.
function main() {
  return [
    step('time_condition', { schedule: 'office_hours',
      else: [step('announcement', { audio: 'closed.wav' }), step('voicemail', { user: '001' })] },
    { file: 'plans.yaml', line: 8, column: 9 }),
    step('transfer', { to: '001', follow_personal_plan: false, timeout: 30 }, { file: 'plans.yaml', line: 16, column: 9 }),
    step('ring_group', { strategy: 'memory_hunt', members: ['002', '003'], timeout: 15 }, { file: 'plans.yaml', line: 18, column: 9 }),
    step('voicemail', { user: '001' }, { file: 'plans.yaml', line: 23, column: 9 }),
  ];
}

test('an insert into a branch that does not exist yet makes the branch', () => {
  const steps = main();
  apply(steps, { op: 'insert_step', at: [0, 'then', 0], step: { transfer: { to: '002', label: 'Sales' } } });
  assert.equal(steps[0].fields.then.length, 1);
  assert.deepEqual(steps[0].fields.then[0], { ...step('transfer', { to: '002' }), label: 'Sales' });
});

test('a label comes out of the fields; a menu gets its keys on insert', () => {
  const steps = main();
  apply(steps, { op: 'insert_step', at: [1], step: { menu: { prompt: 'menu.wav', label: 'Choice' } } });
  assert.equal(steps[1].label, 'Choice');
  assert.deepEqual(steps[1].fields.options, []);
  apply(steps, { op: 'insert_step', at: [1, '3', 0], step: { voicemail: { user: '001' } } });
  assert.deepEqual(steps[1].fields.options.map((o) => o.digit), ['3']);
});

test('removing a branch\'s last step removes the branch', () => {
  const steps = main();
  apply(steps, { op: 'remove_step', at: [0, 'else', 0] });
  apply(steps, { op: 'remove_step', at: [0, 'else', 0] });
  assert.equal('else' in steps[0].fields, false);
});

test('a move takes the step out, then puts it at the address after that', () => {
  const steps = main();
  const to = addressAfterRemoval([], 3, [1]);
  assert.deepEqual(to, [2]);
  apply(steps, { op: 'move_step', from: [1], to });
  assert.deepEqual(steps.map((s) => s.kind), ['time_condition', 'ring_group', 'transfer', 'voicemail']);
  // Into a later step's branch: that step's index moves up by one.
  assert.deepEqual(addressAfterRemoval([2, 'then'], 0, [1]), [1, 'then', 0]);
  assert.deepEqual(addressAfterRemoval([0, 'else'], 1, [1]), [0, 'else', 1]);
});

test('an update sets, replaces and removes fields', () => {
  const steps = main();
  apply(steps, { op: 'update_step', at: [2], set: { members: ['003'], label: 'Sales', timeout: null } });
  assert.deepEqual(steps[2].fields.members, ['003']);
  assert.equal(steps[2].label, 'Sales');
  assert.equal('timeout' in steps[2].fields, false);
});

test('valid places: never after a step that ends the call; a voicemail only last', () => {
  const steps = main();
  assert.deepEqual(validPlaces(steps, [], { kind: 'transfer', ends: false }, users), [0, 1, 2, 3]);
  assert.deepEqual(validPlaces(steps, [], { kind: 'voicemail', ends: true }, users), []);
  assert.deepEqual(validPlaces([], [0, 'then'], { kind: 'voicemail', ends: true }, users), [0]);
  assert.deepEqual(validPlaces(steps[0].fields.else, [0, 'else'], { kind: 'announcement', ends: false }, users), [0, 1]);
  // A moved step: not where it is, not into its own branches.
  assert.deepEqual(validPlaces(steps, [], { kind: 'transfer', ends: false, from: [1] }, users), [0, 3]);
  assert.deepEqual(validPlaces(steps[0].fields.else, [0, 'else'], { kind: 'time_condition', ends: false, from: [0] }, users), []);
});

test('what ends the call', () => {
  assert.equal(ends(step('transfer', { to: '001' }), users), true);
  assert.equal(ends(step('transfer', { to: '001', follow_personal_plan: false }), users), false);
  assert.equal(ends(step('transfer', { to: '+31612345678' }), users), false);
  const tc = main()[0];
  assert.equal(ends(tc, users), false);
  tc.fields.then = [step('voicemail', { user: '001' })];
  assert.equal(ends(tc, users), true);
});

test('issues go to the step written last before their line, in their file', () => {
  const plans = [{ id: 'main', at: { file: 'plans.yaml', line: 4, column: 5 }, steps: main() },
                 { id: 'service', at: { file: 'plans.yaml', line: 26, column: 5 }, steps: [] }];
  const issue = (line, file = 'plans.yaml') => ({ file, line, column: 11, severity: 'error' });
  const found = issuesByStep('main', plans, [issue(19), issue(8), issue(5), issue(27), issue(19, 'users.yaml')]);
  assert.deepEqual(Object.keys(found).sort(), ['0', '2']);
  assert.equal(found['2'].length, 1);
});

test('a trace\'s events go to their step in the plan', () => {
  const trace = { events: [{ t: 0, type: 'plan', step: 'main' }, { t: 0, type: 'ring', step: 'main/0/then/1' },
                           { t: 5, type: 'ring', step: 'service/0' }] };
  assert.deepEqual(Object.keys(traceByStep(trace, 'main')), ['0/then/1']);
});
