// Meeting analytics: how a meeting used its time (each item, who spoke how
// long, attendance and punctuality) against the body's earlier meetings, and
// the body's meetings and opinion forms over time. The same figures download
// as CSV and JSON from the API.
import { useEffect, useState } from 'preact/hooks';
import { api, bodyPath } from '../api.js';
import { t, formatDateTime, formatDuration } from '../i18n.js';
import { ErrorNote, usePeople } from './parts.jsx';

// 4 h 05 min 12 s → "4:05:12"; under an hour "05:12".
export function clock(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}:${formatDuration(s % 3600)}` : formatDuration(s);
}

function Change({ pct }) {
  if (pct === null || pct === undefined) return <span class="muted">{t('analytics.no_comparison')}</span>;
  const key = pct < 0 ? 'analytics.shorter' : pct > 0 ? 'analytics.longer' : 'analytics.same';
  return <span class={pct <= 0 ? 'ok' : 'warn'}>{t(key, { pct: Math.abs(pct) })}</span>;
}

export function MeetingAnalytics({ body, meeting }) {
  const [a, setA] = useState(null);
  const [error, setError] = useState(null);
  const { name } = usePeople(body);
  const path = `${bodyPath(body)}/meetings/${encodeURIComponent(meeting)}/analytics`;
  useEffect(() => { api(path).then(setA, setError); }, [path]);
  if (error) return <main class="page"><ErrorNote error={error} /></main>;
  if (!a) return <main class="page"><p>{t('app.loading')}</p></main>;
  const c = a.comparison;
  return (
    <main class="page">
      <h1>{t('analytics.meeting_title', { title: a.title })}</h1>
      <p><a href={`#/b/${body}/m/${meeting}`}>{t('analytics.back_to_room')}</a> · <a href={`${path}?format=csv`} download>{t('analytics.csv')}</a> · <a href={path} download>{t('analytics.json')}</a></p>
      <div class="figures">
        <div class="figure"><span class="n" data-testid="meeting-duration">{clock(a.duration_s)}</span><span class="label">{t('analytics.duration')}</span></div>
        <div class="figure"><span class="n">{clock(c.mean_duration_s)}</span><span class="label">{t('analytics.earlier_mean', { n: c.earlier_meetings })}</span></div>
        <div class="figure"><span class="n">{a.start_delay_s === null ? '—' : clock(Math.max(0, a.start_delay_s))}</span><span class="label">{t('analytics.start_delay')}</span></div>
        <div class="figure"><span class="n">{a.attendance.on_time}/{a.attendance.on_time + a.attendance.late}</span><span class="label">{t('analytics.on_time')}</span></div>
      </div>
      <p data-testid="comparison">{t('analytics.compared')} <Change pct={c.duration_change_pct} /></p>

      <section aria-labelledby="items-h">
        <h2 id="items-h">{t('analytics.items')}</h2>
        <table data-testid="items-table">
          <thead><tr><th scope="col">{t('analytics.item')}</th><th scope="col">{t('analytics.from')}</th><th scope="col">{t('analytics.to')}</th>
            <th scope="col">{t('analytics.time')}</th><th scope="col">{t('analytics.speaking')}</th><th scope="col">{t('analytics.speeches')}</th></tr></thead>
          <tbody>{a.items.map((i) => (
            <tr key={i.item}><td>{i.title}</td><td>{formatDateTime(i.started_at)}</td><td>{formatDateTime(i.ended_at)}</td>
              <td>{clock(i.duration_s)}</td><td>{clock(i.speaking_s)}</td><td>{i.speeches}</td></tr>
          ))}</tbody>
        </table>
      </section>

      <section aria-labelledby="speakers-h">
        <h2 id="speakers-h">{t('analytics.speakers')}</h2>
        {a.speakers.length === 0 ? <p class="muted">{t('analytics.no_speakers')}</p> : <table data-testid="speakers-table">
          <thead><tr><th scope="col">{t('vote.member')}</th><th scope="col">{t('analytics.speaking')}</th><th scope="col">{t('analytics.speeches')}</th></tr></thead>
          <tbody>{a.speakers.map((s) => (
            <tr key={s.person}><td>{name(s.person)}</td><td>{clock(s.speaking_s)}</td><td>{s.speeches}</td></tr>
          ))}</tbody>
        </table>}
      </section>

      <section aria-labelledby="att-h">
        <h2 id="att-h">{t('room.attendance')}</h2>
        <p>{t('analytics.attendance', { in_room: a.attendance.in_room, remote: a.attendance.remote, substitute: a.attendance.substitute, absent: a.attendance.absent, members: a.attendance.members })}</p>
        <p>{t('analytics.punctuality', { on_time: a.attendance.on_time, late: a.attendance.late, median: clock(a.attendance.median_arrival_s === null ? null : Math.max(0, a.attendance.median_arrival_s)) })}</p>
      </section>
    </main>
  );
}

export function BodyAnalytics({ body }) {
  const [a, setA] = useState(null);
  const [error, setError] = useState(null);
  const path = `${bodyPath(body)}/analytics`;
  useEffect(() => { api(path).then(setA, setError); }, [path]);
  if (error) return <main class="page"><ErrorNote error={error} /></main>;
  if (!a) return <main class="page"><p>{t('app.loading')}</p></main>;
  return (
    <main class="page">
      <h1>{t('analytics.title')}</h1>
      <p><a href={`${path}?format=csv`} download>{t('analytics.csv')}</a> · <a href={path} download>{t('analytics.json')}</a></p>
      <div class="figures">
        <div class="figure"><span class="n">{a.summary.meetings_held}</span><span class="label">{t('analytics.meetings_held')}</span></div>
        <div class="figure"><span class="n">{clock(a.summary.median_meeting_s)}</span><span class="label">{t('analytics.median_meeting')}</span></div>
        <div class="figure"><span class="n">{clock(a.summary.median_answer_s)}</span><span class="label">{t('analytics.median_answer')}</span></div>
      </div>
      <section aria-labelledby="bm-h">
        <h2 id="bm-h">{t('dashboard.meetings')}</h2>
        {a.meetings.length === 0 ? <p class="muted">{t('analytics.no_meetings')}</p> : <table>
          <thead><tr><th scope="col">{t('meeting.title')}</th><th scope="col">{t('analytics.opened')}</th><th scope="col">{t('analytics.duration')}</th>
            <th scope="col">{t('analytics.items')}</th><th scope="col">{t('analytics.speaking')}</th></tr></thead>
          <tbody>{a.meetings.map((m) => (
            <tr key={m.meeting}><td><a href={`#/b/${body}/m/${m.meeting}/analytics`}>{m.title}</a></td><td>{formatDateTime(m.opened_at)}</td>
              <td>{clock(m.duration_s)}</td><td>{m.items}</td><td>{clock(m.speaking_s)}</td></tr>
          ))}</tbody>
        </table>}
      </section>
      <section aria-labelledby="bf-h">
        <h2 id="bf-h">{t('dashboard.forms')}</h2>
        {a.forms.length === 0 ? <p class="muted">{t('dashboard.no_forms')}</p> : <table>
          <thead><tr><th scope="col">{t('analytics.form')}</th><th scope="col">{t('analytics.issued')}</th><th scope="col">{t('analytics.answered')}</th>
            <th scope="col">{t('analytics.median_answer')}</th></tr></thead>
          <tbody>{a.forms.map((f) => (
            <tr key={f.form}><td>{f.title}</td><td>{formatDateTime(f.issued_at)}</td><td>{f.answered}/{f.addressed}</td><td>{clock(f.median_answer_s)}</td></tr>
          ))}</tbody>
        </table>}
      </section>
    </main>
  );
}
