// The plan editor's model: a plan's steps as /api/model gives them ({kind, label, at, fields}),
// the changes of src/panel/plan_changes.hpp applied to them the way the server applies them
// to the YAML, and where a step may go.
//
// A step's address is a trace's step path without the plan (SPEC 5): [0, 'else', 1]. A list's
// address is the path of the step that owns it plus the branch ([] for the plan's own steps,
// [0, 'then'] for a time condition's office-hours branch, [0, '1'] for a menu's key 1).

export const PALETTE = ['transfer', 'ring_group', 'time_condition', 'voicemail', 'announcement', 'menu'];
export const STRATEGIES = ['ring_all', 'memory_hunt', 'cascade', 'round_robin', 'random'];
export const SECONDS_PER_RING = 5;

export const clone = (x) => JSON.parse(JSON.stringify(x));
export const key = (address) => address.join('/');

// The step list a branch names, or undefined when the branch has no steps yet.
function branchList(step, branch) {
  if (step.kind === 'time_condition') return step.fields[branch];
  if (step.kind === 'menu') {
    if (branch === 'invalid') return step.fields.invalid;
    return step.fields.options.find((o) => o.digit === branch)?.steps;
  }
  return undefined;
}

export function listAt(steps, listAddress, create = false) {
  let list = steps;
  for (let i = 0; i < listAddress.length; i += 2) {
    const step = list[listAddress[i]];
    const branch = listAddress[i + 1];
    if (!step) throw new Error(`no step ${key(listAddress.slice(0, i + 1))}`);
    let next = branchList(step, branch);
    if (!next && create) {
      next = [];
      if (step.kind === 'menu' && branch !== 'invalid') step.fields.options.push({ digit: branch, steps: next });
      else step.fields[branch] = next;
    }
    if (!next) return undefined;
    list = next;
  }
  return list;
}

export const stepAt = (steps, address) => listAt(steps, address.slice(0, -1))?.[address.at(-1)];

function dropEmptyBranch(steps, listAddress) {
  if (listAddress.length === 0) return;
  const owner = stepAt(steps, listAddress.slice(0, -1));
  const branch = listAddress.at(-1);
  if (branchList(owner, branch)?.length) return;
  if (owner.kind === 'menu' && branch !== 'invalid')
    owner.fields.options = owner.fields.options.filter((o) => o.digit !== branch);
  else delete owner.fields[branch];
}

// A new step in the model's shape from the body the API takes.
export function fromBody(kind, body) {
  const fields = { ...body };
  const label = fields.label ?? '';
  delete fields.label;
  if (kind === 'menu') fields.options = fields.options ?? [];
  return { kind, label, at: null, fields };
}

// The step as the API's insert_step writes it (model shape back to YAML fields).
export function toBody(step) {
  const body = {};
  for (const [name, value] of Object.entries(step.fields)) {
    if (name === 'then' || name === 'else' || name === 'invalid') body[name] = value.map(toStepJson);
    else if (name === 'options') {
      if (value.length) body.options = Object.fromEntries(value.map((o) => [o.digit, o.steps.map(toStepJson)]));
    } else if (value !== '' && value !== null && value !== undefined) body[name] = value;
  }
  if (step.label) body.label = step.label;
  return body;
}
const toStepJson = (step) => ({ [step.kind]: toBody(step) });

// Applies one change (as sent to the API) to `steps` in place.
export function apply(steps, change) {
  switch (change.op) {
    case 'insert_step': {
      const [kind] = Object.keys(change.step);
      listAt(steps, change.at.slice(0, -1), true).splice(change.at.at(-1), 0, fromBody(kind, change.step[kind]));
      break;
    }
    case 'remove_step':
      listAt(steps, change.at.slice(0, -1)).splice(change.at.at(-1), 1);
      dropEmptyBranch(steps, change.at.slice(0, -1));
      break;
    case 'move_step': {
      const [moved] = listAt(steps, change.from.slice(0, -1)).splice(change.from.at(-1), 1);
      dropEmptyBranch(steps, change.from.slice(0, -1));
      listAt(steps, change.to.slice(0, -1), true).splice(change.to.at(-1), 0, moved);
      break;
    }
    case 'update_step': {
      const step = stepAt(steps, change.at);
      for (const [name, value] of Object.entries(change.set)) {
        if (name === 'label') step.label = value ?? '';
        else if (value === null) delete step.fields[name];
        else step.fields[name] = value;
      }
      break;
    }
  }
}

// A step after which nothing in its timeline is reached: the call ends or leaves the plan.
export function ends(step, users) {
  if (['voicemail', 'goto', 'hangup'].includes(step.kind)) return true;
  if (step.kind === 'transfer')
    return step.fields.follow_personal_plan !== false && users.some((u) => u.extension === step.fields.to);
  // A time condition whose two branches both end the call ends it too (the checker's CP402).
  if (step.kind === 'time_condition')
    return ['then', 'else'].every((b) => (step.fields[b] ?? []).some((s) => ends(s, users)));
  return false;
}

// Where a dragged step may go in `list` (at `listAddress`): not after a step that ends the
// call, a step that ends the call only last, and a moved step not into itself or where it is.
export function validPlaces(list, listAddress, dragged, users) {
  const from = dragged.from;
  const sameList = from && key(from.slice(0, -1)) === key(listAddress);
  // Not into the moved step's own branches.
  if (from && listAddress.length > from.length && key(listAddress.slice(0, from.length)) === key(from)) return [];
  const others = list.filter((_, i) => !(sameList && i === from.at(-1)));
  const places = [];
  for (let i = 0; i <= list.length; i++) {
    if (sameList && (i === from.at(-1) || i === from.at(-1) + 1)) continue;
    const before = list.slice(0, i).filter((_, j) => !(sameList && j === from.at(-1)));
    if (before.some((s) => ends(s, users))) continue;
    const after = others.length - before.length;
    if (dragged.ends && after > 0) continue;
    places.push(i);
  }
  return places;
}

// The address a step dropped at `index` of the list at `listAddress` gets once the moved
// step has left `from` (move_step's `to`).
export function addressAfterRemoval(listAddress, index, from) {
  const to = [...listAddress, index];
  const parent = from.slice(0, -1);
  const depth = parent.length;
  if (to.length > depth && key(to.slice(0, depth)) === key(parent) && to[depth] > from.at(-1))
    to[depth] -= 1;
  return to;
}

// The checker's issues by step address: each issue goes to the step written last before its
// line in its file (the steps' places come from the model, or the preview's proposed plans).
export function issuesByStep(plan, allPlans, issues) {
  const marks = [];
  const walk = (steps, prefix, own) => {
    steps.forEach((s, i) => {
      const address = [...prefix, i];
      if (s.at) marks.push({ ...s.at, address: own ? key(address) : null });
      const f = s.fields;
      if (s.kind === 'time_condition') {
        if (f.then) walk(f.then, [...address, 'then'], own);
        if (f.else) walk(f.else, [...address, 'else'], own);
      } else if (s.kind === 'menu') {
        for (const o of f.options) walk(o.steps, [...address, o.digit], own);
        if (f.invalid) walk(f.invalid, [...address, 'invalid'], own);
      }
    });
  };
  for (const p of allPlans) {
    if (p.at) marks.push({ ...p.at, address: null });
    walk(p.steps, [], p.id === plan);
  }
  const out = {};
  for (const issue of issues) {
    let best = null;
    for (const m of marks)
      if (m.file === issue.file && (m.line < issue.line || (m.line === issue.line && m.column <= issue.column)) &&
          (!best || m.line > best.line || (m.line === best.line && m.column > best.column))) best = m;
    if (best?.address) (out[best.address] ??= []).push(issue);
  }
  return out;
}

// A trace's events by step address, for the plan the call entered first.
export function traceByStep(trace, plan) {
  const out = {};
  for (const e of trace?.events ?? []) {
    if (!e.step || !e.step.startsWith(plan + '/')) continue;
    (out[e.step.slice(plan.length + 1)] ??= []).push(e);
  }
  return out;
}
