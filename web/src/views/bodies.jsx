// The bodies where the person holds a role; one alone opens at once.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, lang } from '../i18n.js';
import { ErrorNote } from './parts.jsx';

export function Bodies() {
  const [bodies, setBodies] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('/v1/bodies').then((r) => {
      setBodies(r.bodies);
      // One body: open it, unless the person went somewhere else meanwhile.
      if (r.bodies.length === 1 && ['', '#', '#/'].includes(location.hash)) location.replace(`#/b/${r.bodies[0].body}`);
    }, setError);
  }, []);
  return (
    <main class="page">
      <h1>{t('bodies.title')}</h1>
      <ErrorNote error={error} />
      {bodies && bodies.length === 0 && <p>{t('bodies.none')}</p>}
      <ul class="cards">
        {(bodies || []).map((b) => (
          <li class="card" key={b.body}>
            <a href={`#/b/${b.body}`}>{(lang.get() === 'vi' && b.name_vi) || b.name || b.body}</a>
            {b.your_role && <span class="muted"> — {t(`role.${b.your_role}`)}</span>}
          </li>
        ))}
      </ul>
    </main>
  );
}
