// CSV import of users (Users screen): RFC 4180 fields (quotes, doubled quotes, commas and line
// breaks inside quotes), one user per row, each with a phone. Returns the changes to preview
// (the dry run) and save, and the problems found per line; nothing is sent for a bad file.
export const csvColumns = ['extension', 'first_name', 'last_name', 'email', 'role', 'voicemail',
  'caller_id', 'brand', 'model'];

export function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false, line = 1, rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; field += c; }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',' || c === ';') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push({ line: rowLine, cells: row });
      row = []; field = ''; line++; rowLine = line;
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push({ line: rowLine, cells: row }); }
  return rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
}

const yes = (v) => ['1', 'yes', 'ja', 'true', 'y', 'j'].includes(v.trim().toLowerCase());

// -> { changes, problems: [{line, problem}], count }
export function usersFromCsv(text, problemText) {
  const rows = parseCsv(text);
  if (rows.length && rows[0].cells[0].trim().toLowerCase() === 'extension') rows.shift();
  const changes = [], problems = [];
  for (const { line, cells } of rows) {
    const v = Object.fromEntries(csvColumns.map((c, i) => [c, (cells[i] ?? '').trim()]));
    if (!v.extension || !v.first_name || !v.last_name) {
      problems.push({ line, problem: problemText });
      continue;
    }
    const user = { extension: v.extension, first_name: v.first_name, last_name: v.last_name };
    if (v.email) user.email = v.email;
    if (v.role === 'admin') user.role = 'admin';
    if (yes(v.voicemail)) user.voicemail = true;
    if (v.caller_id) user.caller_id = v.caller_id;
    const device = { id: `phone-${v.extension}`, name: `${v.first_name} ${v.last_name}`,
                     user: v.extension };
    if (v.brand) device.brand = v.brand.toLowerCase();
    if (v.model) device.model = v.model;
    changes.push({ op: 'add_user', user }, { op: 'add_device', device });
  }
  return { changes, problems, count: changes.length / 2 };
}
