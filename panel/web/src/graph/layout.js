// Lays out the JSON form of `callplan graph` (docs/graph.md: nodes and edges) for the graph
// screen: left to right as the timeline runs. A node's column is the longest path to it from
// an entry (loop edges, which close a cycle, are not followed); within a column the nodes keep
// the order a depth-first walk from the entries meets them, so a branch's steps stay together.
// Pure (no DOM), so that it is tested in Node.js (layout.test.js).

export const NODE_WIDTH = 200;
export const LINE_HEIGHT = 15;
export const PADDING = 8;
export const COLUMN_GAP = 140; // room for an edge's label ("closed (office_hours)")
export const ROW_GAP = 18;

// The lines drawn in a node: its title, then its details.
export function nodeLines(node) {
  return [node.title, ...(node.details ?? [])].filter((l) => l !== undefined && l !== '');
}

export function layout(graph) {
  const nodes = graph.nodes ?? [];
  const edges = (graph.edges ?? []).filter((e) => e.from !== e.to);
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const out = new Map(nodes.map((n) => [n.id, []]));
  const incoming = new Map(nodes.map((n) => [n.id, 0]));
  for (const e of edges) {
    if (!index.has(e.from) || !index.has(e.to) || e.loop) continue;
    out.get(e.from).push(e.to);
    incoming.set(e.to, incoming.get(e.to) + 1);
  }
  const roots = nodes.filter((n) => incoming.get(n.id) === 0).map((n) => n.id);

  // Columns: the longest path from a root (Kahn's order over the graph without loop edges;
  // a node left in a cycle the engine would refuse keeps the column it was reached at).
  const column = new Map(nodes.map((n) => [n.id, 0]));
  const remaining = new Map(incoming);
  const queue = [...roots];
  while (queue.length) {
    const id = queue.shift();
    for (const to of out.get(id)) {
      column.set(to, Math.max(column.get(to), column.get(id) + 1));
      remaining.set(to, remaining.get(to) - 1);
      if (remaining.get(to) === 0) queue.push(to);
    }
  }

  // Rows: the order of a depth-first walk from the roots, then anything not reached.
  const order = [];
  const seen = new Set();
  const walk = (id) => {
    if (seen.has(id)) return;
    seen.add(id);
    order.push(id);
    for (const to of out.get(id)) walk(to);
  };
  for (const r of roots) walk(r);
  for (const n of nodes) walk(n.id);

  const columns = [];
  for (const id of order) {
    const c = column.get(id);
    (columns[c] ??= []).push(id);
  }
  const boxes = new Map();
  let height = 0;
  columns.forEach((ids, c) => {
    let y = ROW_GAP;
    for (const id of ids ?? []) {
      const node = nodes[index.get(id)];
      const h = PADDING * 2 + LINE_HEIGHT * Math.max(1, nodeLines(node).length);
      boxes.set(id, { node, x: ROW_GAP + c * (NODE_WIDTH + COLUMN_GAP), y, width: NODE_WIDTH, height: h });
      y += h + ROW_GAP;
    }
    height = Math.max(height, y);
  });
  const lines = edges
    .filter((e) => boxes.has(e.from) && boxes.has(e.to))
    .map((e) => {
      const a = boxes.get(e.from);
      const b = boxes.get(e.to);
      // Forward edges leave on the right and enter on the left; an edge back (a loop) or
      // within a column leaves from the bottom.
      const forward = b.x > a.x;
      const from = forward ? { x: a.x + a.width, y: a.y + a.height / 2 } : { x: a.x + a.width / 2, y: a.y + a.height };
      const to = forward ? { x: b.x, y: b.y + b.height / 2 } : { x: b.x + b.width / 2, y: b.y + b.height };
      return { edge: e, from, to };
    });
  return {
    boxes: [...boxes.values()],
    lines,
    width: ROW_GAP * 2 + columns.length * NODE_WIDTH + Math.max(0, columns.length - 1) * COLUMN_GAP,
    height: Math.max(height, ROW_GAP * 2),
  };
}

// The graph as text, for the screen's text alternative: each node in the drawing's order
// with where the call goes from it ("open (office_hours): Transfer ...").
export function describe(graph) {
  const { boxes } = layout(graph);
  const title = new Map((graph.nodes ?? []).map((n) => [n.id, nodeLines(n).join(', ')]));
  return boxes.map(({ node }) => ({
    id: node.id,
    text: nodeLines(node).join(', '),
    next: (graph.edges ?? [])
      .filter((e) => e.from === node.id && title.has(e.to))
      .map((e) => ({ label: e.label, kind: e.kind, loop: e.loop, to: title.get(e.to) })),
  }));
}
