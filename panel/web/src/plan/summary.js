// A step in one line of the seed's words: "001 Anna de Vries, 6 rings (30 s), rings the
// phones only".
import { t } from '../lib/i18n.svelte.js';

export function who(users, number) {
  const u = users.find((x) => x.extension === number);
  return u ? `${number} ${u.first_name} ${u.last_name}` : number;
}

export const rings = (seconds) => t('step.rings', { n: Math.round(seconds / 5), s: seconds });

export function summary(step, users) {
  const f = step.fields;
  switch (step.kind) {
    case 'transfer': {
      const internal = users.some((u) => u.extension === f.to);
      if (!f.to) return '';
      if (internal && f.follow_personal_plan !== false) return `${who(users, f.to)}, ${t('step.follow')}`;
      return `${who(users, f.to)}, ${rings(f.timeout ?? 30)}${internal ? ', ' + t('step.no_follow') : ''}`;
    }
    case 'ring_group':
      return `${(f.members ?? []).map((m) => who(users, m)).join(', ')} — ${t('strategy.' + f.strategy)}, ${rings(f.timeout ?? 30)}`;
    case 'voicemail':
      return who(users, f.user ?? '');
    case 'announcement':
      return f.text || f.audio || '';
    case 'menu':
      return f.prompt || f.prompt_text || '';
    case 'goto':
      return f.plan;
    case 'time_condition':
      return f.schedule;
    default:
      return '';
  }
}

// A trace event on its step: "t=30 s: ring 002".
export function eventText(e) {
  const parts = [`t=${e.t} s`, e.type];
  if (e.targets) parts.push(e.targets.join(', '));
  if (e.target) parts.push(e.target);
  if (e.by) parts.push(e.by);
  if (e.user) parts.push(e.user);
  if (e.reason) parts.push(`(${e.reason})`);
  if (e.matched !== undefined) parts.push(e.matched ? '✓' : '✗');
  return parts.join(' ');
}
