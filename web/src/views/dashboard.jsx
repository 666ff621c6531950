// The secretariat's dashboard for one body: what needs action first (overdue
// forms and who has not answered, meetings in the next 48 h with missing
// RSVPs, notifications that could not be delivered), then meetings, forms and resolutions. Every figure follows the
// body feed: each event refetches what it may change, no polling.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, bodyPath, openFeed } from '../api.js';
import { t, formatDateTime, formatDeadline } from '../i18n.js';
import { ErrorNote, FeedState, Status, usePeople, useNow } from './parts.jsx';

async function load(body, position) {
  const b = bodyPath(body);
  const q = position ? `?min_position=${position}` : '';
  const summary = await api(`${b}/dashboard${q}`);
  const [meetings, forms, resolutions] = await Promise.all([
    Promise.all(summary.meetings.items.map((m) => api(`${b}/meetings/${m.meeting}${q}`))),
    Promise.all(summary.forms.items.map((f) => api(`${b}/forms/${f.form}${q}`))),
    Promise.all(summary.resolutions.items.map((r) => api(`${b}/resolutions/${r.resolution}${q}`).catch(() => null))),
  ]);
  return { summary, meetings, forms, resolutions: resolutions.filter(Boolean) };
}

// RSVP counts of a meeting view, with the substitutes named.
export function rsvpOf(meeting) {
  const counts = { in_room: 0, remote: 0, substitute: 0, decline: 0, none: 0 };
  const substitutes = [];
  const missing = [];
  for (const [person, p] of Object.entries(meeting.participants || {})) {
    if (p.guest || p.for_member) continue;
    const response = p.rsvp?.response;
    if (!response) { counts.none += 1; missing.push(person); continue; }
    counts[response] = (counts[response] || 0) + 1;
    if (response === 'substitute') substitutes.push([person, p.rsvp.substitute]);
  }
  return { counts, substitutes, missing };
}

export function Dashboard({ body }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [feed, setFeed] = useState('connecting');
  const { name } = usePeople(body);
  const now = useNow(30000);
  const pending = useRef(null);
  useEffect(() => {
    let alive = true;
    let latest = 0;
    const refresh = (position) => load(body, position).then((d) => alive && (setData(d), setError(null)), (e) => alive && setError(e));
    load(body, 0).then((d) => {
      if (!alive) return;
      setData(d);
      latest = d.summary.position || 0;
      const close = openFeed(`${bodyPath(body)}/feed`, latest, (m) => {
        latest = Math.max(latest, m.position || 0);
        clearTimeout(pending.current);
        pending.current = setTimeout(() => refresh(latest), 150);
      }, setFeed);
      cleanup = close;
    }, (e) => alive && setError(e));
    let cleanup = () => {};
    return () => { alive = false; clearTimeout(pending.current); cleanup(); };
  }, [body]);

  if (error && !data) return <main class="page"><ErrorNote error={error} /></main>;
  if (!data) return <main class="page"><p>{t('app.loading')}</p></main>;
  const { summary, meetings, forms, resolutions } = data;
  const soon = meetings.filter((m) => new Date(m.starts_at).getTime() - now < 48 * 3600e3);
  const overdue = forms.filter((f) => new Date(f.deadline).getTime() <= now);
  const failed = summary.failed_notifications || [];
  return (
    <main class="page">
      <div class="row">
        <h1>{t('dashboard.title')}</h1>
        <FeedState state={feed} />
      </div>
      <ErrorNote error={error} />
      <section aria-labelledby="action-h" class="action">
        <h2 id="action-h">{t('dashboard.action')}</h2>
        {overdue.length === 0 && failed.length === 0 && soon.every((m) => rsvpOf(m).missing.length === 0) &&
          <p class="muted">{t('dashboard.nothing')}</p>}
        <ul class="stack">
          {overdue.map((f) => (
            <li class="card card-urgent" key={f.form}>
              <strong>{t('dashboard.form_overdue', { title: f.title })}</strong>
              <div>{formatDeadline(f.deadline, now)} · {t('dashboard.silent', { n: f.outstanding.length })}</div>
              <div class="names">{f.outstanding.map(name).join(', ')}</div>
            </li>
          ))}
          {soon.map((m) => {
            const r = rsvpOf(m);
            return r.missing.length > 0 && (
              <li class="card card-warn" key={m.meeting}>
                <strong>{t('dashboard.rsvp_missing', { title: m.title, n: r.missing.length })}</strong>
                <div>{formatDateTime(m.starts_at)}</div>
                <div class="names">{r.missing.map(name).join(', ')}</div>
              </li>
            );
          })}
          {failed.map((f) => (
            <li class="card card-warn" key={`${f.notification}-${f.channel}`} data-testid="failed-notification">
              <strong>{t('dashboard.failed_one', { channel: t(`channel.${f.channel}`), person: name(f.recipient), n: f.attempts })}</strong>
              <div>{t('dashboard.failed_reason', { reason: f.reason })}</div>
              <div class="muted">{formatDateTime(f.at)}</div>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="counts-h">
        <h2 id="counts-h" class="visually-hidden">{t('dashboard.counts')}</h2>
        <div class="figures" aria-live="polite">
          <Figure n={summary.meetings.live} label={t('dashboard.meetings_live')} />
          <Figure n={summary.meetings.upcoming} label={t('dashboard.meetings_upcoming')} />
          <Figure n={summary.forms.outstanding} label={t('dashboard.forms_outstanding')} />
          <Figure n={summary.forms.overdue} label={t('dashboard.forms_overdue')} />
          <Figure n={summary.resolutions.in_progress} label={t('dashboard.resolutions_in_progress')} />
          <Figure n={summary.resolutions.promulgated_this_year} label={t('dashboard.resolutions_promulgated')} />
        </div>
      </section>

      <section aria-labelledby="meetings-h">
        <h2 id="meetings-h">{t('dashboard.meetings')}</h2>
        {meetings.length === 0 && <p class="muted">{t('dashboard.no_meetings')}</p>}
        <table>
          <thead><tr>
            <th scope="col">{t('meeting.title')}</th><th scope="col">{t('meeting.time')}</th>
            <th scope="col">{t('meeting.status')}</th><th scope="col">{t('meeting.rsvp')}</th>
            <th scope="col">{t('meeting.studied')}</th>
          </tr></thead>
          <tbody>
            {meetings.map((m) => {
              const r = rsvpOf(m);
              const docs = m.agenda.reduce((n, i) => n + i.documents.length, 0);
              return (
                <tr key={m.meeting}>
                  <td><a href={`#/b/${body}/m/${m.meeting}`}>{m.title}</a></td>
                  <td>{formatDateTime(m.starts_at)}</td>
                  <td><Status status={m.status} /></td>
                  <td>
                    {t('rsvp.summary', { in_room: r.counts.in_room, remote: r.counts.remote, substitute: r.counts.substitute,
                      decline: r.counts.decline, none: r.counts.none })}
                    {r.substitutes.map(([member, sub]) => (
                      <div class="muted" key={member}>{t('rsvp.substitute_for', { substitute: name(sub), member: name(member) })}</div>
                    ))}
                  </td>
                  <td>{t('meeting.studied_count', { n: m.studied, documents: docs })}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="forms-h">
        <h2 id="forms-h">{t('dashboard.forms')}</h2>
        {forms.length === 0 && <p class="muted">{t('dashboard.no_forms')}</p>}
        <ul class="stack">
          {forms.map((f) => (
            <li class="card" key={f.form}>
              <strong>{f.title}</strong>
              <div>{formatDeadline(f.deadline, now)} · {t('form.answered', { n: f.addressees.length - f.outstanding.length, of: f.addressees.length })}</div>
              {f.outstanding.length > 0 && <details><summary>{t('dashboard.silent', { n: f.outstanding.length })}</summary>
                <div class="names">{f.outstanding.map(name).join(', ')}</div></details>}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="resolutions-h">
        <h2 id="resolutions-h">{t('dashboard.resolutions')}</h2>
        {resolutions.length === 0 && <p class="muted">{t('dashboard.no_resolutions')}</p>}
        <ul class="stack">
          {resolutions.map((r) => (
            <li class="card" key={r.resolution}>
              <a href={`#/b/${body}/r/${r.resolution}`}>{r.title || r.resolution}</a>
              {' '}<Status status={r.status} />{r.number && <span> · {r.number}</span>}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}

function Figure({ n, label }) {
  return <div class="figure"><span class="n">{n}</span><span class="label">{label}</span></div>;
}
