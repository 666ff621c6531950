// Words on screen, Vietnamese first (../docs/UI glossary), English second.
// t(key, params) fills {name} placeholders; a key missing from the language
// shows as ⟦key⟧ so that the browser test catches it. Times are shown in
// Asia/Ho_Chi_Minh on a 24-hour clock, dates as 24/06/2019.
import { signal } from './signal.js';
import vi from './locales/vi.js';
import en from './locales/en.js';

export const dictionaries = { vi, en };
const saved = (() => { try { return localStorage.getItem('ecab.lang'); } catch { return null; } })();
export const lang = signal(saved === 'en' ? 'en' : 'vi');

export function setLang(next) {
  lang.set(next);
  document.documentElement.lang = next;
  try { localStorage.setItem('ecab.lang', next); } catch { /* private mode: the choice lasts this page */ }
}

export function t(key, params = {}) {
  const text = dictionaries[lang.get()][key];
  if (text === undefined) return `⟦${key}⟧`;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

const zone = 'Asia/Ho_Chi_Minh';
export function formatDate(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: '2-digit', month: '2-digit', year: 'numeric' })
    .format(new Date(iso));
}
export function formatTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date(iso));
}
export const formatDateTime = (iso) => (iso ? `${formatTime(iso)} ${formatDate(iso)}` : '');
// With seconds, for the auditor's timeline.
export function formatInstant(iso) {
  if (!iso) return '';
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .format(new Date(iso));
  return `${time} ${formatDate(iso)}`;
}

// "còn 3 giờ" / "3 hours left", "quá hạn 2 ngày" / "2 days overdue".
export function formatDeadline(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  const minutes = Math.round(Math.abs(ms) / 60000);
  const [n, unit] = minutes >= 2880 ? [Math.round(minutes / 1440), 'days']
    : minutes >= 120 ? [Math.round(minutes / 60), 'hours'] : [minutes, 'minutes'];
  return t(ms >= 0 ? `deadline.left.${unit}` : `deadline.over.${unit}`, { n });
}

export function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const mm = String(Math.floor(s / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}

// A count or share as the language writes it: "13,5" / "13.5".
export function formatNumber(n) {
  return new Intl.NumberFormat(lang.get() === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 2 }).format(n);
}

// A vote's rule in the reader's words from its terms (the view's
// `rule_terms`): "quá nửa tổng số 27 thành viên"; with the tie rule when the
// vote is tied. Without terms (an older server), the server's sentence.
export function ruleText(terms, tied, fallback = '') {
  if (!terms) return fallback;
  const [num, den] = terms.majority;
  const fraction = num * 2 === den ? t('fraction.half') : num * 3 === den * 2 ? t('fraction.two_thirds') : `${num}/${den}`;
  const rule = t(`rule.${terms.basis}`, { fraction, of: terms.of });
  return tied && terms.chair_decides_tie ? rule + t('rule.tie_chair') : rule;
}

// How a closed vote's outcome follows from its count, in the reader's words.
export function reasoningText({ tally, passed, rule_terms: terms, reasoning }) {
  if (!terms) return reasoning || '';
  const outcome = t(passed ? 'vote.passed' : 'vote.not_passed');
  const tied = tally.for === tally.against && !(tally.for > terms.needed_more_than);
  if (tied && terms.chair_decides_tie) return t('vote.reasoning_tie', { for: tally.for, against: tally.against, outcome });
  return t('vote.reasoning', { for: tally.for, of: terms.of, needed: formatNumber(terms.needed_more_than), outcome });
}

// A refusal from the server in the reader's words: what kind of refusal (by
// the problem's type), and the server's own detail, which is English.
export function problemHeadline(problem) {
  if (!problem) return '';
  if (problem.status === 0) return t('problem.network');
  const slug = (problem.type || '').split('/').pop();
  const known = ['forbidden', 'not-found', 'rule-violation', 'already-exists', 'wrong-expected-version', 'bad-signature', 'unauthenticated', 'rate-limited'];
  if (known.includes(slug)) return t(`problem.${slug}`);
  return t(problem.status >= 500 ? 'problem.server' : 'problem.refused');
}

// The quorum in words: "21/27 thành viên có mặt; cần ít nhất 18; đủ túc số".
export function quorumText(q) {
  return q ? t(q.met ? 'quorum.met' : 'quorum.not_met', { present: q.present, members: q.members, required: q.required }) : '';
}
