// The schedules screen's form and the changes it sends (src/panel/schedule_changes.hpp),
// without the screen: testable in Node.js (schedule_form.test.js).
//
// The form shows weekly hours per day (Monday first), several ranges a day; the file writes
// windows over sets of days. A schedule from /api/model becomes a form (toForm) and a form
// becomes the list of windows again by putting the days with the same hours together
// (weeklyOf), so that Mon-Fri 08:30-17:30 is one window `days: mon-fri`. An end of "00:00" is
// the end of the day ("24:00" in the file: a time input cannot show 24:00).
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// Easter-based days off in the Netherlands and around (docs/schedules.md): [offset, name], in
// the order of the year.
export const EASTER_DAYS = [['-47', 'carnival'], ['-2', 'good_friday'], ['0', 'easter'], ['1', 'easter_monday'],
                            ['39', 'ascension'], ['49', 'whit_sunday'], ['50', 'whit_monday']];

export const IDENTIFIER = /^[A-Za-z0-9_-]+$/;

const formTime = (t) => (t === '24:00' ? '00:00' : t);
const fileTime = (t) => (t === '00:00' ? '24:00' : t);

export function blankForm() {
  return { name: '', timezone: '', days: DAYS.map(() => []), dates: [], ranges: [], yearly: [], except: [] };
}

export function toForm(schedule) {
  const form = blankForm();
  form.name = schedule.name;
  form.timezone = schedule.timezone ?? '';
  for (const w of schedule.weekly)
    for (const d of w.days) form.days[DAYS.indexOf(d)].push({ from: w.from, to: formTime(w.to) });
  for (const day of form.days) day.sort((a, b) => a.from.localeCompare(b.from));
  form.dates = [...schedule.dates];
  form.ranges = schedule.ranges.map((r) => ({ ...r }));
  form.yearly = schedule.yearly.map((y) => (typeof y === 'string' ? y : { ...y }));
  form.except = [...schedule.except];
  return form;
}

// The windows of the form's days: one per set of days with the same range, in the order of
// their first day and start.
export function weeklyOf(days) {
  const byRange = new Map();
  days.forEach((ranges, d) => {
    for (const r of ranges) {
      if (!r.from || !r.to) continue;
      const key = `${r.from}-${fileTime(r.to)}`;
      if (!byRange.has(key)) byRange.set(key, { days: [], from: r.from, to: fileTime(r.to), first: d });
      const w = byRange.get(key);
      if (!w.days.includes(DAYS[d])) w.days.push(DAYS[d]);
    }
  });
  return [...byRange.values()]
    .sort((a, b) => a.first - b.first || a.from.localeCompare(b.from))
    .map(({ days: ds, from, to }) => ({ days: ds, from, to }));
}

// A range that ends before it starts runs into the next day (the SPEC's "wraps midnight").
export const nextDay = (r) => r.from && r.to && r.to !== '00:00' && r.to < r.from;

function lists(form) {
  return {
    weekly: weeklyOf(form.days),
    dates: form.dates.filter((d) => d),
    ranges: form.ranges.filter((r) => r.from && r.to),
    yearly: form.yearly,
    except: form.except,
  };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// The changes that make the file say what the form says: a new schedule, or a rename (its time
// conditions follow) and the lists that changed. Empty when nothing changed.
export function changesOf(form, before) {
  const now = lists(form);
  const timezone = form.timezone.trim();
  if (!before) {
    const schedule = { name: form.name.trim() };
    if (timezone) schedule.timezone = timezone;
    for (const [key, list] of Object.entries(now)) if (list.length) schedule[key] = list;
    return [{ op: 'add_schedule', schedule }];
  }
  const out = [];
  const name = form.name.trim();
  if (name !== before.name) out.push({ op: 'rename_schedule', schedule: before.name, to: name });
  const was = lists(toForm(before));
  const set = {};
  for (const key of Object.keys(now)) if (!same(now[key], was[key])) set[key] = now[key];
  if (timezone !== (before.timezone ?? '')) set.timezone = timezone || null;
  if (Object.keys(set).length) out.push({ op: 'update_schedule', schedule: name, set });
  return out;
}
