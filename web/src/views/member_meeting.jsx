// A meeting from the member's seat: RSVP (in the room, remote, decline, or a
// substitute), the agenda's documents (opening one records the read
// receipt), pre-opinions and registering to speak; in session: check in,
// ask for the floor, and vote — each ballot signed on this device. A
// substitute acts for the member who named them, said on every screen and in
// the signed payload. The view follows the meeting feed; a tally is never
// shown as current while the feed is cut.
import { useState } from 'preact/hooks';
import { api, bodyPath } from '../api.js';
import { online, send, sendSigned } from '../acts.js';
import { useSignal } from '../signal.js';
import { t, formatDateTime, formatTime } from '../i18n.js';
import { ErrorNote, FeedState, Status, usePeople } from './parts.jsx';
import { Tally, useMeetingFeed } from './room.jsx';
import { OfflineBanner, SignDialog } from './sign.jsx';

export function MemberMeeting({ body, meeting, person }) {
  const { view, state, error } = useMeetingFeed(body, meeting);
  const { name } = usePeople(body);
  const [problem, setProblem] = useState(null);
  const [signing, setSigning] = useState(null); // {sentence, run}
  const [documents, setDocuments] = useState({}); // id -> header, once opened
  const connected = useSignal(online);
  if (error) return <main class="page"><ErrorNote error={error} /></main>;
  if (!view) return <main class="page"><p>{t('app.loading')}</p></main>;

  const path = `${bodyPath(body)}/meetings/${encodeURIComponent(meeting)}`;
  // Whom I stand in for, when a member named me their substitute.
  const member = Object.entries(view.participants || {}).find(([, p]) => p.rsvp?.substitute === person)?.[0] || '';
  const me = view.participants?.[person] || {}; // my RSVP, and my attendance (a substitute's own)
  const run = (work) => async () => {
    setProblem(null);
    try { await work(); } catch (e) { setProblem(e); }
  };
  const command = (suffix, payload = {}) => run(() => send(`${path}${suffix}`, payload, { onBehalfOf: member }));
  const item = view.agenda.find((i) => i.item === view.current_item);
  const inQueue = view.floor.queue.some((r) => r.person === person);
  // Current only while the feed is live and the network is there (a dead
  // network can leave a socket looking open for a while).
  const live = state === 'live' && connected;

  const openDocument = (doc) => run(async () => {
    const header = await api(`${bodyPath(body)}/documents/${encodeURIComponent(doc)}`);
    setDocuments((d) => ({ ...d, [doc]: header }));
    await send(`${path}/documents/${encodeURIComponent(doc)}/studied`, {}, { onBehalfOf: member }).catch((e) => {
      if (e.status !== 409) throw e; // already recorded: the receipt stands
    });
  })();

  const ballot = (vote, choice) => {
    const itemTitle = view.agenda.find((i) => i.item === vote.item)?.title || vote.item;
    const sentence = t('sign.ballot', {
      choice: t(`choice.${choice}`).toUpperCase(), item: itemTitle, vote: vote.vote, meeting: view.title,
      time: formatTime(new Date().toISOString()),
    }) + (member ? ' ' + t('sign.on_behalf', { member: name(member) }) : '');
    setSigning({
      nonce: performance.now(),
      sentence,
      run: () => sendSigned(body, person, `/meetings/${encodeURIComponent(meeting)}/votes/${encodeURIComponent(vote.vote)}/ballots`,
        { choice }, { kind: 'ballot', object: `${meeting}/${vote.vote}`, choice }, { onBehalfOf: member }),
    });
  };

  return (
    <main class="page member">
      <div class="row"><h1>{view.title}</h1><Status status={view.status} /><FeedState state={connected ? state : 'retrying'} /></div>
      <p class="muted">{formatDateTime(view.starts_at)} · {view.place}</p>
      <OfflineBanner />
      {member && <p class="substitute big" data-testid="standing-in">{t('member.standing_in', { member: name(member) })}</p>}
      <ErrorNote error={problem} />
      {signing && <SignDialog key={signing.nonce} body={body} sentence={signing.sentence} run={signing.run}
        onCancel={() => setSigning(null)} onDone={() => {}} />}

      {view.status === 'scheduled' && !member && <section class="card" aria-labelledby="rsvp-h">
        <h2 id="rsvp-h">{t('member.rsvp')}</h2>
        <p data-testid="my-rsvp">{me.rsvp ? t('member.rsvp_given', { response: t(`rsvp.${me.rsvp.response}`) }) : t('inbox.rsvp_missing')}
          {me.rsvp?.substitute && <> — {name(me.rsvp.substitute)}</>}</p>
        <div class="buttons">
          <button onClick={command('/rsvp', { response: 'in_room' })}>{t('rsvp.in_room')}</button>
          <button onClick={command('/rsvp', { response: 'remote' })}>{t('rsvp.remote')}</button>
          <button onClick={() => { const reason = prompt(t('member.decline_reason')); if (reason) command('/rsvp', { response: 'decline', reason })(); }}>
            {t('rsvp.decline')}</button>
          <button onClick={() => { const who = prompt(t('member.substitute_who')); if (who) command('/rsvp', { response: 'substitute', substitute: who.trim() })(); }}>
            {t('rsvp.substitute')}</button>
        </div>
      </section>}

      {view.status === 'open' && <section class="card" aria-labelledby="seat-h">
        <h2 id="seat-h">{t('member.in_session')}</h2>
        <p>{t('room.current_item')}: <strong>{item ? item.title : t('room.no_current_item')}</strong></p>
        {!me.attendance || me.attendance === 'absent' ? <div class="buttons">
          <button class="primary" onClick={command('/check-ins', { attendance: member ? 'substitute' : 'in_room' })}>
            {t(member ? 'member.check_in_substitute' : 'member.check_in_room')}</button>
          {!member && <button onClick={command('/check-ins', { attendance: 'remote' })}>{t('member.check_in_remote')}</button>}
        </div> : <p class="ok" data-testid="checked-in">{t('member.checked_in', { mode: t(`attendance.${me.attendance}`) })}</p>}
        <p>{view.floor.speaker ? t('room.speaking', { person: name(view.floor.speaker) }) : t('room.nobody_speaking')}</p>
        {view.floor.queue.length > 0 && <ol>{view.floor.queue.map((r) => <li key={r.person}>{name(r.person)}</li>)}</ol>}
        {item && (inQueue ? <button onClick={command('/floor-requests/withdrawal')}>{t('member.withdraw_floor')}</button>
          : <button onClick={command('/floor-requests')}>{t('member.request_floor')}</button>)}
      </section>}

      {view.votes.filter((v) => v.status === 'open').map((v) => {
        const mine = v.ballots?.[member || person];
        return (
          <section key={v.vote} class="card vote" aria-labelledby={`ballot-${v.vote}`} data-testid={`ballot-${v.vote}`}>
            <h2 id={`ballot-${v.vote}`}>{t('member.vote_now')}: {v.question}</h2>
            <p data-testid="my-ballot">{mine ? t('member.my_ballot', { choice: t(`choice.${mine.choice}`), changes: mine.changes })
              : t('member.no_ballot')}</p>
            <div class="buttons big-buttons" role="group" aria-label={t('member.choose')}>
              {['for', 'against', 'abstain'].map((c) => (
                <button key={c} class={mine?.choice === c ? 'primary' : ''} aria-pressed={mine?.choice === c}
                  onClick={() => ballot(v, c)} data-testid={`choose-${c}`}>{t(`choice.${c}`)}</button>
              ))}
            </div>
            <div class={live ? '' : 'stale'} aria-busy={!live}>
              {!live && <p class="warn" role="status" data-testid="stale">{t('member.tally_stale')}</p>}
              <Tally vote={v} name={name} chair={view.chair} live />
            </div>
          </section>
        );
      })}

      <section class="card" aria-labelledby="agenda-h">
        <h2 id="agenda-h">{t('room.agenda')}</h2>
        <ol class="agenda">{view.agenda.map((i) => (
          <li key={i.item} aria-current={i.current ? 'step' : undefined}>
            <strong>{i.title}</strong>
            <ul>{i.documents.map((d) => (
              <li key={d}>
                <button class="link" onClick={() => openDocument(d)} data-testid={`open-${d}`}>{t('member.open_document', { document: documents[d]?.title || d })}</button>
                {(documents[d] || view.studied_by?.[d]?.includes(person)) && <span class="ok" data-testid={`studied-${d}`}> ✔ {t('member.studied')}</span>}
                {documents[d] && <ul class="muted">{(documents[d].versions || []).map((v) => (
                  <li key={v.version}>{v.content
                    ? <a href={`${v.content}?disposition=inline`} target="_blank" rel="noopener">{t('member.document_version', { version: v.version, file: v.filename, size: v.size })}</a>
                    : t('member.document_version', { version: v.version, file: v.filename, size: v.size })}</li>))}</ul>}
              </li>
            ))}</ul>
            {view.status !== 'closed' && !i.closed && <div class="buttons">
              <button class="link" onClick={command(`/items/${encodeURIComponent(i.item)}/speakers`)}>{t('member.register_to_speak')}</button>
              <button class="link" onClick={() => { const text = prompt(t('member.opinion_text')); if (text) command(`/items/${encodeURIComponent(i.item)}/opinions`, { text })(); }}>
                {t('member.give_opinion')}</button>
            </div>}
          </li>
        ))}</ol>
      </section>

      {view.votes.filter((v) => v.status === 'closed').map((v) => <Tally key={v.vote} vote={v} name={name} chair={view.chair} />)}
    </main>
  );
}
