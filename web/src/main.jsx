// The web app's shell: who is logged in, which body, the language, and the
// route (in the URL's hash, so the server serves one page):
//   #/                         the bodies of the person
//   #/b/<body>                 the secretariat's dashboard
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

function Header({ person, body }) {
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
        <a href={`#/b/${body}`}>{t('nav.dashboard')}</a>
        <a href={`#/b/${body}/analytics`}>{t('nav.analytics')}</a>
        <a href={`#/b/${body}/audit`}>{t('nav.audit')}</a>
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
  useEffect(() => {
    // No session (401), or none usable: the login page.
    api('/v1/me').then((me) => session.set(me), () => session.set(null));
  }, []);
  useEffect(() => { document.documentElement.lang = lang.get(); }, []);
  if (who === undefined) return <main class="page"><p>{t('app.loading')}</p></main>;
  if (who === null) return <><Header /><Login onLogin={(me) => session.set(me)} /></>;
  const [b, body, kind, id, sub] = route;
  let view;
  if (b !== 'b' || !body) view = <Bodies person={who.person} />;
  else if (kind === 'm' && id && sub === 'analytics') view = <MeetingAnalytics body={body} meeting={id} />;
  else if (kind === 'm' && id) view = <Room body={body} meeting={id} person={who.person} />;
  else if (kind === 'analytics') view = <BodyAnalytics body={body} />;
  else if (kind === 'audit') view = <Audit body={body} />;
  else if (kind === 'r' && id) view = <Story body={body} resolution={id} />;
  else view = <Dashboard body={body} />;
  return <><Header person={who.person} body={b === 'b' ? body : null} />{view}</>;
}

render(<App />, document.getElementById('app'));
