// The member's home: what is waiting for me (overdue first, deadlines in
// words), then my meetings. Live: every event of the body the member may see
// refetches the inbox.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, bodyPath, openFeed } from '../api.js';
import { t, lang, formatDateTime, formatDeadline } from '../i18n.js';
import { loadKey } from '../signing.js';
import { ErrorNote, FeedState, Status, useNow } from './parts.jsx';
import { useSignal } from '../signal.js';
import { OfflineBanner } from './sign.jsx';

const strip = (object, prefix) => (object.startsWith(prefix) ? object.slice(prefix.length) : object);

// Where a notification's object is seen.
function referenceLink(body, reference) {
  if (reference.startsWith('form-')) return `#/b/${body}/f/${strip(reference, 'form-')}`;
  if (reference.startsWith('meeting-')) return `#/b/${body}/p/${strip(reference, 'meeting-')}`;
  return null;
}

// Where a task is done.
function taskLink(body, task) {
  if (task.kind === 'answer_form') return `#/b/${body}/f/${strip(task.object, 'form-')}`;
  const meeting = strip(task.object.split('#')[0], 'meeting-');
  return `#/b/${body}/p/${meeting}`;
}

export function Inbox({ body, person }) {
  const [inbox, setInbox] = useState(null);
  const [meetings, setMeetings] = useState([]);
  const [error, setError] = useState(null);
  const [feed, setFeed] = useState('connecting');
  const [hasKey, setHasKey] = useState(true);
  const [toSign, setToSign] = useState([]); // the chair's: resolutions submitted for signature
  const [notes, setNotes] = useState([]); // in-app notifications, newest first, in the app's language
  const language = useSignal(lang);
  const pending = useRef(null);
  const now = useNow(30000);
  useEffect(() => {
    let alive = true;
    let close = () => {};
    // The chair also signs resolutions: those in progress that wait for it.
    const resolutionsToSign = () => api(`${bodyPath(body)}/dashboard`).then(async (d) => {
      const open = d.resolutions.items.filter((r) => !r.promulgated);
      const all = await Promise.all(open.map((r) => api(`${bodyPath(body)}/resolutions/${encodeURIComponent(r.resolution)}`)));
      return all.filter((r) => r.status === 'submitted');
    }, () => []);
    const notifications = () => api(`${bodyPath(body)}/notifications?limit=10&lang=${language}`).then((n) => n.notifications, () => []);
    const load = () => Promise.all([api(`${bodyPath(body)}/inbox`), api(`${bodyPath(body)}/meetings`), resolutionsToSign(),
      notifications()])
      .then(([i, m, r, n]) => {
        if (alive) { setInbox(i); setMeetings(m.meetings); setToSign(r); setNotes(n); setError(null); }
        return i;
      });
    load().then((first) => {
      if (!alive) return;
      close = openFeed(`${bodyPath(body)}/feed`, first.position, () => {
        clearTimeout(pending.current);
        pending.current = setTimeout(() => load().catch((e) => alive && setError(e)), 150);
      }, setFeed);
    }, (e) => alive && setError(e));
    loadKey(body, person).then((k) => alive && setHasKey(!!k?.fingerprint), () => setHasKey(false));
    return () => { alive = false; clearTimeout(pending.current); close(); };
  }, [body, person, language]);

  if (error && !inbox) return <main class="page"><ErrorNote error={error} /></main>;
  if (!inbox) return <main class="page"><p>{t('app.loading')}</p></main>;
  // Open votes first (they close in minutes), then by deadline: the overdue come first.
  const rank = (task) => (task.kind === 'vote' ? 0 : 1);
  const due = (task) => (task.deadline ? new Date(task.deadline).getTime() : Infinity);
  const tasks = [...inbox.tasks].sort((a, b) => rank(a) - rank(b) || due(a) - due(b));
  const upcoming = meetings.filter((m) => m.status !== 'closed');
  return (
    <main class="page member">
      <div class="row"><h1>{t('inbox.title')}</h1><FeedState state={feed} /></div>
      <OfflineBanner />
      <ErrorNote error={error} />
      {!hasKey && <p class="warn card" data-testid="no-key">{t('inbox.no_key')} <a href={`#/b/${body}/keys`}>{t('keys.title')}</a></p>}
      <section aria-labelledby="tasks-h">
        <h2 id="tasks-h">{t('inbox.waiting')}</h2>
        {tasks.length === 0 && toSign.length === 0 && <p class="muted">{t('inbox.nothing')}</p>}
        <ul class="tasks">
          {toSign.map((r) => (
            <li key={r.resolution} class="card task" data-testid="task-sign">
              <a class="big" href={`#/b/${body}/s/${r.resolution}`}>{t('task.sign_resolution')}: {r.title}</a>
            </li>
          ))}
          {tasks.map((task) => {
            const overdue = task.deadline && new Date(task.deadline).getTime() <= now;
            return (
              <li key={task.kind + task.object} class={`card task ${overdue ? 'overdue' : ''}`} data-testid={`task-${task.kind}`}>
                <a class="big" href={taskLink(body, task)}>{t(`task.${task.kind}`)}: {task.title}</a>
                {task.deadline && <p class={overdue ? 'warn' : 'muted'}>
                  <span aria-hidden="true">{overdue ? '⚠ ' : '⏱ '}</span>
                  {t('inbox.deadline', { when: formatDateTime(task.deadline), left: formatDeadline(task.deadline, now) })}</p>}
                {task.urgency && task.urgency !== 'normal' && <span class="badge badge-open">{t(`urgency.${task.urgency.replace(' ', '_')}`)}</span>}
                {(task.reminders || []).length > 0 && <p class="muted">{t('inbox.reminded', { n: task.reminders.length })}</p>}
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="notes-h">
        <h2 id="notes-h">{t('inbox.notifications')}</h2>
        {notes.length === 0 && <p class="muted">{t('inbox.no_notifications')}</p>}
        <ul class="notes">
          {notes.map((n) => {
            const href = referenceLink(body, n.reference);
            return (
              <li key={n.position} class={`note ${n.urgent ? 'note-urgent' : ''}`} data-testid="notification">
                {href ? <a href={href}><strong>{n.subject}</strong></a> : <strong>{n.subject}</strong>}
                {n.urgent && <span class="badge badge-open">{t('inbox.urgent')}</span>}
                <span class="muted"> · {formatDateTime(n.at)}</span>
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="meetings-h">
        <h2 id="meetings-h">{t('inbox.meetings')}</h2>
        {upcoming.length === 0 && <p class="muted">{t('inbox.no_meetings')}</p>}
        <ul class="cards">
          {upcoming.map((m) => (
            <li key={m.meeting} class="card">
              <a class="big" href={`#/b/${body}/p/${m.meeting}`}>{m.title}</a> <Status status={m.status} />
              <p class="muted">{formatDateTime(m.starts_at)} · {m.place}</p>
              {m.stands_in_for && <p class="substitute">{t('member.standing_in', { member: m.stands_in_for })}</p>}
              <p>{m.rsvp ? t(`rsvp.${m.rsvp.response}`) : t('inbox.rsvp_missing')}</p>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
