// Pieces every view uses: errors, the people of a body, live data.
import { useEffect, useState } from 'preact/hooks';
import { api, bodyPath } from '../api.js';
import { t, lang, problemHeadline } from '../i18n.js';

// A refusal in the reader's words: the kind of refusal in their language,
// then the server's detail (the domain's reason, in English) marked as such.
export function ProblemText({ problem }) {
  if (!problem) return null;
  if (typeof problem === 'string') return problem;
  const detail = problem.detail || (problem.status === 0 ? '' : problem.message);
  return <>{problemHeadline(problem)}{detail && <> <span class="detail" lang="en" data-testid="problem-detail">({detail})</span></>}</>;
}

// A view that could not be loaded: not allowed, not found, or the refusal.
export function ErrorNote({ error }) {
  if (!error) return null;
  return (
    <p role="alert" class="error">
      {error.status === 403 ? t('error.forbidden', { detail: error.detail })
        : error.status === 404 ? t('error.not_found') : <ProblemText problem={error} />}
    </p>
  );
}

// The people of a body: id → {office, role}; name(id) gives the office in the
// current language (the fixture's names are offices), else the id.
export function usePeople(body) {
  const [people, setPeople] = useState({});
  useEffect(() => {
    api(bodyPath(body)).then((b) => {
      const map = {};
      for (const p of b.people || []) map[p.person] = p;
      setPeople(map);
    }, () => setPeople({}));
  }, [body]);
  // The office names a person; where several hold the same office (Deputy
  // Prime Ministers), the id tells them apart.
  const office = (p) => (lang.get() === 'vi' ? p.office_vi || p.office : p.office);
  const name = (id) => {
    const p = people[id];
    if (!p || !office(p)) return id;
    const shared = Object.values(people).filter((q) => office(q) === office(p)).length > 1;
    return shared ? `${office(p)} (${id})` : office(p);
  };
  return { people, name };
}

// The current time, ticking every `ms` (elapsed speaking time, deadlines).
export function useNow(ms = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

// Feed state in words, for the corner of live views.
export function FeedState({ state }) {
  return <span class={`feed feed-${state}`} role="status">{t(`feed.${state}`)}</span>;
}

export function Status({ status }) {
  return <span class={`badge badge-${status}`}>{t(`status.${status}`)}</span>;
}
