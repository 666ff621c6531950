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
