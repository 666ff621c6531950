// The auditor's and archivist's view: the latest signed tree head, the
// resolutions to open, and each resolution's story (GET …/explanation): the
// outcome and the rule first, then every step with its time, actor and
// signature status, and the meeting's record (BagIt) to download.
import { useEffect, useState } from 'preact/hooks';
import { api, bodyPath } from '../api.js';
import { t, formatDateTime, formatInstant, quorumText, reasoningText, ruleText } from '../i18n.js';
import { ErrorNote, usePeople } from './parts.jsx';

export function Audit({ body }) {
  const [heads, setHeads] = useState(null);
  const [resolutions, setResolutions] = useState([]);
  const [error, setError] = useState(null);
  const [id, setId] = useState('');
  const [verification, setVerification] = useState(null);
  useEffect(() => {
    api(`${bodyPath(body)}/log/tree-heads`).then(setHeads, setError);
    api(`${bodyPath(body)}/log/verification`).then(setVerification, setError);
    api(`${bodyPath(body)}/dashboard`).then((d) => setResolutions(d.resolutions.items), () => setResolutions([]));
  }, [body]);
  const latest = heads?.tree_heads?.[heads.tree_heads.length - 1];
  return (
    <main class="page">
      <h1>{t('audit.title')}</h1>
      <ErrorNote error={error} />
      <section class="card" aria-labelledby="verify-h">
        <h2 id="verify-h">{t('audit.verification')}</h2>
        {verification ? <div data-testid="verification">
          <p class={verification.ok ? 'ok big' : 'warn big'}><span aria-hidden="true">{verification.ok ? '✔ ' : '✖ '}</span>
            {t(verification.ok ? 'audit.verified' : 'audit.not_verified')}</p>
          <p>{t(verification.chain.ok ? 'audit.chain_ok' : 'audit.chain_faults', { n: verification.chain.checked_up_to, faults: verification.chain.faults.length })}</p>
          {verification.chain.faults.map((f) => <p key={f.position} class="warn">{f.position}: {f.reason}</p>)}
          {verification.tree_head && <p>{verification.tree_head.ok
            ? t('audit.head_consistent', { size: verification.tree_head.size, log: verification.tree_head.log_size })
            : t('audit.head_inconsistent', { reason: verification.tree_head.reason })}</p>}
          <p class="muted">{t('audit.checked_at', { time: formatDateTime(verification.checked_at) })}</p>
        </div> : <p class="muted">{t('app.loading')}</p>}
      </section>
      <section class="card" aria-labelledby="head-h">
        <h2 id="head-h">{t('audit.tree_head')}</h2>
        {latest ? <dl class="facts" data-testid="tree-head">
          <div><dt>{t('audit.head_size')}</dt><dd>{latest.size}</dd></div>
          <div><dt>{t('audit.head_time')}</dt><dd>{formatDateTime(latest.time)}</dd></div>
          <div><dt>{t('audit.head_root')}</dt><dd><code>{latest.root}</code></dd></div>
          <div><dt>{t('audit.head_key')}</dt><dd><code>{latest.key_id}</code></dd></div>
        </dl> : <p class="muted">{t('audit.no_head')}</p>}
      </section>
      <section class="card" aria-labelledby="res-h">
        <h2 id="res-h">{t('audit.resolutions')}</h2>
        <ul>{resolutions.map((r) => <li key={r.resolution}><a href={`#/b/${body}/r/${r.resolution}`}>{r.resolution}</a></li>)}</ul>
        <form class="row" onSubmit={(e) => { e.preventDefault(); if (id) location.hash = `#/b/${body}/r/${encodeURIComponent(id.trim())}`; }}>
          <label for="resolution-id">{t('audit.open_resolution')}</label>
          <input id="resolution-id" value={id} onInput={(e) => setId(e.currentTarget.value)} />
          <button class="primary" type="submit">{t('audit.open')}</button>
        </form>
      </section>
    </main>
  );
}

function SignatureStatus({ status }) {
  const ok = typeof status === 'string' && status.startsWith('verified');
  return <span class={ok ? 'ok' : 'warn'}><span aria-hidden="true">{ok ? '✔ ' : '✖ '}</span>{ok ? t('audit.signature_ok') : t('audit.signature_bad', { status: String(status) })}</span>;
}

export function Story({ body, resolution }) {
  const [story, setStory] = useState(null);
  const [error, setError] = useState(null);
  const { name } = usePeople(body);
  useEffect(() => {
    api(`${bodyPath(body)}/resolutions/${encodeURIComponent(resolution)}/explanation`).then(setStory, setError);
  }, [body, resolution]);
  if (error) return <main class="page"><ErrorNote error={error} /></main>;
  if (!story) return <main class="page"><p>{t('app.loading')}</p></main>;
  const v = story.vote;
  const meetingId = v?.meeting?.replace(/^meeting-/, '');
  const steps = [];
  for (const d of story.versions || []) steps.push({ at: d.at, text: t('story.version', { version: d.version, author: name(d.author) }) });
  if (v) {
    for (const c of v.check_ins || []) steps.push({ at: c.at, text: t('story.check_in', { person: name(c.person), attendance: t(`attendance.${c.attendance}`) }) });
    if (v.opened_at) steps.push({ at: v.opened_at, text: t('story.vote_opened', { chair: name(v.opened_by), reasoning: quorumText(v.quorum_at_opening) }) });
    for (const b of v.ballots || []) {
      steps.push({ at: b.at, text: t(b.change ? 'story.ballot_changed' : 'story.ballot', { voter: name(b.voter), choice: t(`choice.${b.choice}`), mode: t(`attendance.${b.mode}`) }), signature: b.signature });
    }
    if (v.closed_at) steps.push({ at: v.closed_at, text: t('story.vote_closed', { reasoning: reasoningText(v) }) });
  }
  for (const form of story.opinions_on_drafts || []) {
    for (const a of form.answers || []) {
      steps.push({ at: a.at, text: t('story.opinion', { member: name(a.member), answer: t(`answer.${a.answer}`), form: form.title || form.form }), signature: a.signature });
    }
  }
  if (story.signature) steps.push({ at: story.signature.at, text: t('story.signed', { signer: name(story.signature.signer), version: story.signature.version }), signature: story.signature.status });
  if (story.promulgated) steps.push({ at: story.promulgated.at, text: t('story.promulgated', { number: story.promulgated.number }) });
  steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return (
    <main class="page">
      <h1>{story.title || resolution}</h1>
      <section class="card outcome" aria-labelledby="outcome-h">
        <h2 id="outcome-h">{t('story.outcome')}</h2>
        {v ? <>
          <p class="huge" data-testid="story-outcome">{t(v.passed ? 'vote.passed' : 'vote.not_passed')}: {t('story.tally', { for: v.tally.for, in_room: v.tally.for_in_room, remote: v.tally.for_remote, substitute: v.tally.for_substitute, against: v.tally.against, abstain: v.tally.abstain })}</p>
          <p data-testid="story-rule">{t('vote.rule', { rule: ruleText(v.rule_terms, v.tally.for === v.tally.against, v.rule) })}</p>
          {v.attendance?.counts && <p>{t('attendance.summary', v.attendance.counts)}</p>}
        </> : <p class="muted">{t('story.no_vote')}</p>}
        {story.promulgated && <p>{t('story.number', { number: story.promulgated.number })}</p>}
        <p class={story.complete ? 'ok' : 'warn'} data-testid="story-complete">{t(story.complete ? 'story.complete' : 'story.incomplete')}</p>
        {(story.findings || []).map((f, i) => <p key={i} class="warn">{f.reason || JSON.stringify(f)}</p>)}
        {meetingId && <p><a class="button" href={`${bodyPath(body)}/meetings/${encodeURIComponent(meetingId)}/export`} download>{t('story.download')}</a></p>}
      </section>
      <section aria-labelledby="steps-h">
        <h2 id="steps-h">{t('story.steps')}</h2>
        <ol class="timeline">
          {steps.map((s, i) => (
            <li key={i}><time datetime={s.at}>{formatInstant(s.at)}</time> <span>{s.text}</span>
              {s.signature !== undefined && <> · <SignatureStatus status={s.signature} /></>}</li>
          ))}
        </ol>
      </section>
    </main>
  );
}
