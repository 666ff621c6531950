// The meeting room view: the big screen and the chair's tablet. First the
// current item, and during a vote the live tally with its rule; then
// attendance and quorum, the speaker with elapsed time, the floor queue, the
// agenda. The chair and the secretariat also get the controls. Everything
// follows the meeting feed: a snapshot, then one JSON Patch per event.
import { useEffect, useRef, useState } from 'preact/hooks';
import { applyPatch } from 'fast-json-patch';
import { api, bodyPath, openFeed } from '../api.js';
import { t, formatDateTime, formatDuration, formatNumber, quorumText, ruleText } from '../i18n.js';
import { ErrorNote, FeedState, Status, usePeople, useNow } from './parts.jsx';
import { ChairControls } from './chair.jsx';

// The meeting view as the feed builds it, with when the current speaker got
// the floor (from the event that changed the speaker).
export function useMeetingFeed(body, meeting) {
  const [view, setView] = useState(null);
  const [state, setState] = useState('connecting');
  const [error, setError] = useState(null);
  const [speakerSince, setSpeakerSince] = useState(null);
  const current = useRef(null);
  useEffect(() => {
    let close = () => {};
    let alive = true;
    const path = `${bodyPath(body)}/meetings/${encodeURIComponent(meeting)}`;
    api(path).then((first) => {
      if (!alive) return;
      close = openFeed(`${path}/feed`, first.position, (message) => {
        if (message.snapshot) {
          current.current = message.snapshot;
        } else if (message.patch && current.current) {
          const before = current.current.floor?.speaker;
          current.current = applyPatch(current.current, message.patch, false, false).newDocument;
          if (current.current.floor?.speaker !== before) setSpeakerSince(current.current.floor?.speaker ? message.recorded_at : null);
        }
        setView(current.current);
      }, setState);
    }, (e) => alive && setError(e));
    return () => { alive = false; close(); };
  }, [body, meeting]);
  return { view, state, error, speakerSince };
}

export function Room({ body, meeting, person }) {
  const { view, state, error, speakerSince } = useMeetingFeed(body, meeting);
  const { people, name } = usePeople(body);
  const now = useNow(1000);
  if (error) return <main class="page"><ErrorNote error={error} /></main>;
  if (!view) return <main class="page"><p>{t('app.loading')}</p></main>;
  const role = people[person]?.role;
  // The controls while there is something to do: before and during the session.
  const controls = view.status !== 'closed' &&
    (person === view.chair || role === 'secretariat' || (view.status === 'scheduled' && role === 'chair'));
  const item = view.agenda.find((i) => i.item === view.current_item);
  const open = view.votes.filter((v) => v.status === 'open');
  const closed = view.votes.filter((v) => v.status === 'closed');
  const q = view.quorum;
  return (
    <main class="page room">
      <div class="row">
        <h1>{view.title}</h1>
        <Status status={view.status} />
        <FeedState state={state} />
      </div>
      <p class="muted">{formatDateTime(view.starts_at)} · {view.place} · <a href={`#/b/${body}/m/${meeting}/analytics`}>{t('nav.analytics')}</a></p>

      <section class="current" aria-labelledby="current-h">
        <h2 id="current-h" class="label">{t('room.current_item')}</h2>
        <p class="huge" data-testid="current-item">{item ? item.title : t(view.status === 'closed' ? 'room.session_closed' : 'room.no_current_item')}</p>
      </section>

      {open.map((v) => <Tally key={v.vote} vote={v} name={name} chair={view.chair} live />)}

      <div class="grid">
        <section aria-labelledby="attendance-h" class="card">
          <h2 id="attendance-h">{t('room.attendance')}</h2>
          <dl class="counts" aria-live="polite" data-testid="attendance">
            <div><dt>{t('attendance.in_room')}</dt><dd>{view.attendance.in_room}</dd></div>
            <div><dt>{t('attendance.remote')}</dt><dd>{view.attendance.remote}</dd></div>
            <div><dt>{t('attendance.substitute')}</dt><dd>{view.attendance.substitute}</dd></div>
            <div><dt>{t('attendance.absent')}</dt><dd>{view.attendance.absent}</dd></div>
          </dl>
          <p class={q.met ? 'ok' : 'warn'} aria-live="polite" data-testid="quorum">
            <span aria-hidden="true">{q.met ? '✔ ' : '✖ '}</span>
            {quorumText(q)}
          </p>
        </section>

        <section aria-labelledby="floor-h" class="card">
          <h2 id="floor-h">{t('room.floor')}</h2>
          {view.floor.speaker
            ? <p class="big" data-testid="speaker">{t('room.speaking', { person: name(view.floor.speaker) })}
              {speakerSince && <span class="timer"> {formatDuration((now - new Date(speakerSince).getTime()) / 1000)}</span>}</p>
            : <p class="muted">{t('room.nobody_speaking')}</p>}
          <h3>{t('room.queue')}</h3>
          {view.floor.queue.length === 0 ? <p class="muted">{t('room.queue_empty')}</p>
            : <ol>{view.floor.queue.map((r) => <li key={r.person}>{name(r.person)}
              {r.on_behalf_of && <span class="muted"> {t('room.on_behalf_of', { member: name(r.on_behalf_of) })}</span>}</li>)}</ol>}
        </section>

        <section aria-labelledby="agenda-h" class="card">
          <h2 id="agenda-h">{t('room.agenda')}</h2>
          <ol class="agenda">
            {view.agenda.map((i) => (
              <li key={i.item} class={i.current ? 'now' : i.closed ? 'done' : ''} aria-current={i.current ? 'step' : undefined}>
                {i.title} {i.current && <span class="badge badge-open">{t('agenda.current')}</span>}
                {i.closed && <span class="badge badge-closed">{t('agenda.closed')}</span>}
              </li>
            ))}
          </ol>
        </section>
      </div>

      {controls && <ChairControls body={body} view={view} name={name} role={role} />}

      {closed.length > 0 && <section aria-labelledby="results-h">
        <h2 id="results-h">{t('room.results')}</h2>
        {closed.map((v) => <Tally key={v.vote} vote={v} name={name} chair={view.chair} />)}
      </section>}
    </main>
  );
}

// "13 tán thành / 27 thành viên — cần hơn 13,5": the votes for over what the
// majority is taken of (all members, those present, or the ballots for and
// against), and what is needed.
function tallyLine(vote) {
  const terms = vote.rule_terms;
  const basis = terms && terms.basis !== 'all_members' ? `vote.line.${terms.basis}` : 'vote.line';
  return t(basis, { for: vote.tally.for, electorate: vote.electorate, of: terms?.of ?? vote.electorate, needed: formatNumber(terms?.needed_more_than ?? 0) });
}

// A vote's tally and outcome in words, with the rule that decides it.
export function Tally({ vote, name, chair, live = false }) {
  const tl = vote.tally;
  const outcome = vote.passed ? 'vote.passed' : 'vote.not_passed';
  const ballots = Object.entries(vote.ballots || {});
  return (
    <section class={`card tally ${live ? 'live' : ''}`} aria-labelledby={`vote-${vote.vote}`} data-testid={`tally-${vote.vote}`}>
      <h2 id={`vote-${vote.vote}`}>{live ? t('vote.open_title') : t('vote.closed_title')}: {vote.question}</h2>
      <p class="huge" aria-live="polite" aria-atomic="true" data-testid="tally-line">
        {tallyLine(vote)}
      </p>
      <p class="big">{t('vote.others', { against: tl.against, abstain: tl.abstain, not_voted: tl.not_voted })}</p>
      <p>{t('vote.for_modes', { in_room: tl.for_in_room, remote: tl.for_remote, substitute: tl.for_substitute })}</p>
      <p data-testid="rule">{t('vote.rule', { rule: ruleText(vote.rule_terms, vote.tie, vote.rule) })}</p>
      <p class={vote.passed ? 'ok big' : 'warn big'} data-testid="outcome">
        <span aria-hidden="true">{vote.passed ? '✔ ' : '✖ '}</span>
        {live ? t('vote.so_far', { outcome: t(outcome) }) : t(outcome)}
      </p>
      {vote.tie && <p class="big" data-testid="tie">{vote.ballots?.[chair]
        ? t('vote.tie_chair', { chair: name(chair), choice: t(`choice.${vote.ballots[chair].choice}`) })
        : t('vote.tie_no_chair', { chair: name(chair) })}</p>}
      {!live && ballots.length > 0 && <details>
        <summary>{t('vote.who_voted')}</summary>
        <table>
          <thead><tr><th scope="col">{t('vote.member')}</th><th scope="col">{t('vote.choice')}</th><th scope="col">{t('vote.mode')}</th></tr></thead>
          <tbody>{ballots.map(([voter, b]) => (
            <tr key={voter}><td>{name(voter)}</td><td>{t(`choice.${b.choice}`)}</td><td>{t(`attendance.${b.mode}`)}</td></tr>
          ))}</tbody>
        </table>
      </details>}
    </section>
  );
}
