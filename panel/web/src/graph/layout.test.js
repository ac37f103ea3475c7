// The graph screen's layout (layout.js), run by ctest as part of panel_plan_steps (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layout, describe, NODE_WIDTH, COLUMN_GAP } from './layout.js';

// The shape of `callplan graph --plan main --format json` on examples/acme (trimmed).
const graph = {
  nodes: [
    { id: 'number:+31881234567', kind: 'number', title: '+31 88 123 4567', details: ['Main line'] },
    { id: 'plan:main', kind: 'plan', title: 'Plan main', details: ['Main line'] },
    { id: 'main/0', kind: 'step', title: 'Time condition', details: ['office_hours'] },
    { id: 'main/0/else/0', kind: 'step', title: 'Announcement: Closed', details: ['closed.wav'] },
    { id: 'main/0/else/1', kind: 'step', title: 'Voicemail', details: ['001 Anna de Vries'] },
    { id: 'main/1', kind: 'step', title: 'Transfer: Reception', details: ['to 001 Anna de Vries', 'rings 30 s'] },
    { id: 'main/2', kind: 'step', title: 'Voicemail', details: ['001 Anna de Vries'] },
  ],
  edges: [
    { from: 'number:+31881234567', to: 'plan:main', kind: 'enters', label: '', loop: false },
    { from: 'plan:main', to: 'main/0', kind: 'next', label: '', loop: false },
    { from: 'main/0', to: 'main/0/else/0', kind: 'next', label: 'closed (office_hours)', loop: false },
    { from: 'main/0/else/0', to: 'main/0/else/1', kind: 'next', label: '', loop: false },
    { from: 'main/0', to: 'main/1', kind: 'next', label: 'open (office_hours)', loop: false },
    { from: 'main/1', to: 'main/2', kind: 'next', label: 'no answer', loop: false },
    { from: 'main/2', to: 'plan:main', kind: 'goto', label: 'goto (loop)', loop: true },
  ],
};

test('columns follow the longest path from the entry; a loop edge does not move a node', () => {
  const { boxes } = layout(graph);
  const x = Object.fromEntries(boxes.map((b) => [b.node.id, b.x]));
  const col = (id) => Math.round((x[id] - x['number:+31881234567']) / (NODE_WIDTH + COLUMN_GAP));
  assert.equal(col('plan:main'), 1);
  assert.equal(col('main/0'), 2);
  assert.equal(col('main/0/else/0'), 3);
  assert.equal(col('main/1'), 3);
  assert.equal(col('main/0/else/1'), 4);
  assert.equal(col('main/2'), 4);
});

test('boxes in one column do not overlap and taller nodes get taller boxes', () => {
  const { boxes, width, height } = layout(graph);
  const byX = new Map();
  for (const b of boxes) (byX.get(b.x) ?? byX.set(b.x, []).get(b.x)).push(b);
  for (const column of byX.values()) {
    column.sort((a, b) => a.y - b.y);
    for (let i = 1; i < column.length; i++) assert.ok(column[i].y >= column[i - 1].y + column[i - 1].height);
  }
  const transfer = boxes.find((b) => b.node.id === 'main/1');
  const voicemail = boxes.find((b) => b.node.id === 'main/2');
  assert.ok(transfer.height > voicemail.height);
  for (const b of boxes) {
    assert.ok(b.x + b.width <= width);
    assert.ok(b.y + b.height <= height);
  }
});

test('the text alternative names every node and where each edge goes, with its label', () => {
  const text = describe(graph);
  assert.equal(text.length, graph.nodes.length);
  const condition = text.find((n) => n.id === 'main/0');
  assert.deepEqual(condition.next.map((e) => [e.label, e.to]), [
    ['closed (office_hours)', 'Announcement: Closed, closed.wav'],
    ['open (office_hours)', 'Transfer: Reception, to 001 Anna de Vries, rings 30 s'],
  ]);
  assert.equal(text.find((n) => n.id === 'main/2').next[0].loop, true);
});

test('an empty plan is drawn as its entry and its head', () => {
  const { boxes, lines } = layout({
    nodes: [graph.nodes[0], { id: 'plan:x', kind: 'plan', title: 'Plan x', details: [] },
            { id: 'end:x', kind: 'end', title: 'Unanswered', details: [] }],
    edges: [{ from: 'number:+31881234567', to: 'plan:x', kind: 'enters', label: '', loop: false },
            { from: 'plan:x', to: 'end:x', kind: 'next', label: '', loop: false }],
  });
  assert.equal(boxes.length, 3);
  assert.equal(lines.length, 2);
});
