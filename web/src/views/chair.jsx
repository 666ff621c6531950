// The chair's and the secretariat's controls: what can be done next as big
// buttons, each disabled with the reason when the rules refuse it — the
// conduct of the session is the chair's alone (the secretariat may reorder
// the agenda); a refusal from the server is shown in the reader's words with
// its detail (the domain's own).
import { useState } from 'preact/hooks';
import { api, bodyPath } from '../api.js';
import { t } from '../i18n.js';
import { ProblemText } from './parts.jsx';

function Action({ label, reason, onClick, busy, kind = 'primary' }) {
  const id = `why-${label.replace(/\W+/g, '-')}`;
  return (
    <div class="action-button">
      <button class={kind} disabled={!!reason || busy} aria-describedby={reason ? id : undefined} onClick={onClick}>{label}</button>
      {reason && <span id={id} class="why">{reason}</span>}
    </div>
  );
}

export function ChairControls({ body, view, name, role }) {
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState(null);
  const base = `${bodyPath(body)}/meetings/${encodeURIComponent(view.meeting)}`;
  const run = async (path, payload, method = 'POST') => {
    setBusy(true);
    setRefusal(null);
    try {
      await api(`${base}${path}`, { method, body: payload });
    } catch (problem) {
      setRefusal(problem);
    } finally {
      setBusy(false);
    }
  };
  const isOpen = view.status === 'open';
  // Only the chair conducts (docs/DOMAIN.md, "Who may do what").
  const notChair = role === 'chair' ? '' : t('chair.why.chair_only');
  const notOpen = notChair || (isOpen ? '' : t('chair.why.not_open'));
  const openVote = view.votes.find((v) => v.status === 'open');
  const next = view.agenda.find((i) => !i.closed && !i.current);
  const first = view.floor.queue[0];
  const move = (index, delta) => {
    const order = view.agenda.map((i) => i.item);
    const [it] = order.splice(index, 1);
    order.splice(index + delta, 0, it);
    run('/agenda/order', { order }, 'PUT');
  };
  return (
    <section class="card controls" aria-labelledby="controls-h">
      <h2 id="controls-h">{t('chair.title')}</h2>
      <div role="alert" class="error" data-testid="refusal"><ProblemText problem={refusal} /></div>
      <div class="buttons">
        {view.status === 'scheduled' && <Action label={t('chair.open_session')} busy={busy} reason={notChair} onClick={() => run('/session')} />}
        <Action label={next ? t('chair.take_up', { title: next.title }) : t('chair.take_up_none')} busy={busy}
          reason={notOpen || (!next ? t('chair.why.no_next_item') : view.current_item ? t('chair.why.item_current') : '')}
          onClick={() => run(`/items/${encodeURIComponent(next.item)}/take-up`)} />
        <Action label={t('chair.close_item')} busy={busy}
          reason={notOpen || (!view.current_item ? t('chair.why.no_current_item') : openVote ? t('chair.why.vote_open') : '')}
          onClick={() => run('/current-item/close')} />
        <Action label={first ? t('chair.grant_floor', { person: name(first.person) }) : t('chair.grant_floor_none')} busy={busy}
          reason={notOpen || (!first ? t('chair.why.queue_empty') : '')}
          onClick={() => run('/floor', { person: first.person })} />
        <Action label={t('chair.end_floor')} busy={busy} kind="secondary"
          reason={notOpen || (!view.floor.speaker ? t('chair.why.nobody_speaking') : '')} onClick={() => run('/floor/end')} />
        <Action label={t('chair.open_vote')} busy={busy}
          reason={notOpen || (!view.current_item ? t('chair.why.no_current_item') : openVote ? t('chair.why.vote_open') : '')}
          onClick={() => {
            const item = view.agenda.find((i) => i.item === view.current_item);
            run('/votes', { vote: `vote-${view.votes.length + 1}`, question: item ? item.title : '' });
          }} />
        <Action label={t('chair.close_vote')} busy={busy} reason={notChair || (!openVote ? t('chair.why.no_open_vote') : '')}
          onClick={() => run(`/votes/${encodeURIComponent(openVote.vote)}/close`)} />
        {view.status === 'open' && <Action label={t('chair.close_session')} busy={busy} kind="secondary"
          reason={notChair || (openVote ? t('chair.why.vote_open') : '')} onClick={() => run('/session/close')} />}
      </div>
      <h3>{t('chair.reorder')}</h3>
      <ol class="reorder">
        {view.agenda.map((i, index) => (
          <li key={i.item}>
            <span>{i.title}</span>
            <button class="small" disabled={busy || index === 0} onClick={() => move(index, -1)}
              aria-label={t('chair.move_up', { title: i.title })}>↑</button>
            <button class="small" disabled={busy || index === view.agenda.length - 1} onClick={() => move(index, 1)}
              aria-label={t('chair.move_down', { title: i.title })}>↓</button>
          </li>
        ))}
      </ol>
    </section>
  );
}
