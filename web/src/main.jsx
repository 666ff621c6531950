// The web app's shell: who is logged in, which body, the language, and the
// route (in the URL's hash, so the server serves one page):
//   #/                         the bodies of the person
//   #/b/<body>                 a member's (chair's, substitute's) inbox; for the others the dashboard
//   #/b/<body>/dashboard       the secretariat's dashboard
//   #/b/<body>/inbox           what is waiting for me, and my meetings
//   #/b/<body>/keys            digital signatures on this device (and the admin's approvals)
//   #/b/<body>/p/<meeting>     a meeting from the member's seat: RSVP, documents, check-in, floor, ballots
//   #/b/<body>/f/<form>        an opinion form to answer (signed)
//   #/b/<body>/s/<resolution>  the chair signs a resolution
//   #/b/<body>/m/<meeting>     the meeting room view (chair controls for the chair and staff)
//   #/b/<body>/m/<meeting>/analytics  how the meeting used its time
//   #/b/<body>/analytics       the body's meetings and forms over time
//   #/b/<body>/audit           the auditor's and archivist's view
//   #/b/<body>/r/<resolution>  how a resolution passed, step by step
import './style.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { lang, setLang, t } from './i18n.js';
import { signal, useSignal } from './signal.js';
import { Login } from './views/login.jsx';
import { Bodies } from './views/bodies.jsx';
import { Dashboard } from './views/dashboard.jsx';
import { Room } from './views/room.jsx';
import { Audit, Story } from './views/audit.jsx';
import { BodyAnalytics, MeetingAnalytics } from './views/analytics.jsx';
import { Inbox } from './views/member.jsx';
import { Keys } from './views/keys.jsx';
import { MemberMeeting } from './views/member_meeting.jsx';
import { MemberForm, SignResolution } from './views/member_form.jsx';

// Those who sit in the meeting: their home is the inbox.
const SEATED = ['member', 'chair', 'substitute'];

export const session = signal(undefined); // undefined: checking; null: logged out; {person}

function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

// The caller's role in `body`: '' when none, null until known.
function useRole(body) {
  const [role, setRole] = useState(null);
  useEffect(() => {
    setRole(null);
    if (!body) return;
    api(`/v1/bodies/${encodeURIComponent(body)}`).then((b) => setRole(b.your_role || ''), () => setRole(''));
  }, [body]);
  return role;
}

function Header({ person, body, role }) {
  const current = useSignal(lang);
  const logout = async () => {
    try { await api('/v1/logout', { method: 'POST' }); } catch { /* the session may already be gone */ }
    session.set(null);
    location.hash = '#/';
  };
  return (
    <header class="top">
      <a class="brand" href="#/">{t('app.name')}</a>
      {body && <nav aria-label={t('nav.label')}>
        {SEATED.includes(role) && <a href={`#/b/${body}/inbox`}>{t('nav.inbox')}</a>}
        {role !== 'member' && role !== 'substitute' && <a href={`#/b/${body}/dashboard`}>{t('nav.dashboard')}</a>}
        <a href={`#/b/${body}/analytics`}>{t('nav.analytics')}</a>
        {['auditor', 'archivist', 'admin', 'chair', 'secretariat'].includes(role) && <a href={`#/b/${body}/audit`}>{t('nav.audit')}</a>}
        <a href={`#/b/${body}/keys`}>{t('nav.keys')}</a>
      </nav>}
      <div class="spacer" />
      <button class="link" lang={current === 'vi' ? 'en' : 'vi'} onClick={() => setLang(current === 'vi' ? 'en' : 'vi')}>
        {t('lang.switch')}
      </button>
      {person && <span class="who">{t('app.signed_in', { person })}</span>}
      {person && <button class="link" onClick={logout}>{t('app.logout')}</button>}
    </header>
  );
}

function App() {
  const who = useSignal(session);
  useSignal(lang);
  const route = useRoute();
  const role = useRole(who && route[0] === 'b' ? route[1] : null);
  useEffect(() => {
    // No session (401), or none usable: the login page.
    api('/v1/me').then((me) => session.set(me), () => session.set(null));
  }, []);
  useEffect(() => { document.documentElement.lang = lang.get(); }, []);
  if (who === undefined) return <main class="page"><p>{t('app.loading')}</p></main>;
  if (who === null) return <><Header /><Login onLogin={(me) => session.set(me)} /></>;
  const [b, body, kind, id, sub] = route;
  const p = who?.person;
  let view;
  if (b !== 'b' || !body) view = <Bodies person={p} />;
  else if (!kind && role === null) view = <main class="page"><p>{t('app.loading')}</p></main>;
  else if (kind === 'inbox' || (!kind && SEATED.includes(role))) view = <Inbox body={body} person={p} />;
  else if (kind === 'keys') view = <Keys body={body} person={p} />;
  else if (kind === 'p' && id) view = <MemberMeeting body={body} meeting={id} person={p} />;
  else if (kind === 'f' && id) view = <MemberForm body={body} form={id} person={p} />;
  else if (kind === 's' && id) view = <SignResolution body={body} resolution={id} person={p} />;
  else if (kind === 'm' && id && sub === 'analytics') view = <MeetingAnalytics body={body} meeting={id} />;
  else if (kind === 'm' && id) view = <Room body={body} meeting={id} person={who.person} />;
  else if (kind === 'analytics') view = <BodyAnalytics body={body} />;
  else if (kind === 'audit') view = <Audit body={body} />;
  else if (kind === 'r' && id) view = <Story body={body} resolution={id} />;
  else view = <Dashboard body={body} />;
  return <><Header person={p} body={b === 'b' ? body : null} role={role} />{view}</>;
}

render(<App />, document.getElementById('app'));
