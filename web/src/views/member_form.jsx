// An opinion form from the member's seat: the question, the deadline in
// words, my answer (agree / agree with comments / disagree / other, with
// text), revisable until the deadline, each version signed on this device.
// And the chair's signature of a resolution: the same signing flow.
import { useEffect, useState } from 'preact/hooks';
import { api, bodyPath } from '../api.js';
import { sendSigned } from '../acts.js';
import { t, formatDateTime, formatDeadline, formatTime } from '../i18n.js';
import { ErrorNote, Status, useNow, usePeople } from './parts.jsx';
import { OfflineBanner, SignDialog } from './sign.jsx';

const ANSWERS = ['agree', 'agree_with_comments', 'disagree', 'other'];

function useDocument(path) {
  const [doc, setDoc] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  useEffect(() => { api(path).then(setDoc, setError); }, [path, tick]);
  return { doc, error, reload: () => setTick((n) => n + 1) };
}

export function MemberForm({ body, form, person }) {
  const { doc, error, reload } = useDocument(`${bodyPath(body)}/forms/${encodeURIComponent(form)}`);
  const [answer, setAnswer] = useState('agree');
  const [text, setText] = useState('');
  const [signing, setSigning] = useState(null);
  const now = useNow(30000);
  if (error) return <main class="page"><ErrorNote error={error} /></main>;
  if (!doc) return <main class="page"><p>{t('app.loading')}</p></main>;
  const mine = doc.answers?.[person];
  const open = doc.status === 'issued' && new Date(doc.deadline).getTime() > now;
  const submit = (e) => {
    e.preventDefault();
    const version = (mine?.revision || 0) + 1;
    setSigning({
      nonce: performance.now(),
      sentence: t('sign.answer', { answer: t(`answer.${answer}`).toUpperCase(), form: doc.title, version,
        time: formatTime(new Date().toISOString()) }) + (text ? ' ' + t('sign.with_text', { text }) : ''),
      run: () => sendSigned(body, person, `/forms/${encodeURIComponent(form)}/answers`, { answer, text },
        { kind: 'form_answer', object: form, version, choice: answer, text }),
    });
  };
  return (
    <main class="page member">
      <div class="row"><h1>{doc.title}</h1><Status status={doc.status === 'issued' ? 'circulated' : 'closed'} /></div>
      <OfflineBanner />
      <p class="big">{doc.question}</p>
      <p class={open ? 'muted' : 'warn'}>{t('inbox.deadline', { when: formatDateTime(doc.deadline), left: formatDeadline(doc.deadline, now) })}</p>
      {mine && <p class="card" data-testid="my-answer">{t('form.my_answer', { answer: t(`answer.${mine.answer}`), revision: mine.revision })}
        {mine.text && <> — “{mine.text}”</>}</p>}
      {signing && <SignDialog key={signing.nonce} body={body} sentence={signing.sentence} run={signing.run}
        onCancel={() => { setSigning(null); reload(); }} onDone={() => reload()} />}
      {open ? <form class="card stack" onSubmit={submit} data-testid="answer-form">
        <fieldset>
          <legend>{mine ? t('form.revise') : t('form.answer')}</legend>
          {ANSWERS.map((a) => (
            <label key={a} class="choice"><input type="radio" name="answer" value={a} checked={answer === a}
              onChange={() => setAnswer(a)} /> {t(`answer.${a}`)}</label>
          ))}
        </fieldset>
        <label for="answer-text">{t('form.text')}</label>
        <textarea id="answer-text" rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)} maxLength={65536} />
        <button type="submit" class="primary" data-testid="answer-submit">{t('form.sign_and_send')}</button>
      </form> : <p class="muted">{t('form.closed')}</p>}
    </main>
  );
}

export function SignResolution({ body, resolution, person }) {
  const { doc, error, reload } = useDocument(`${bodyPath(body)}/resolutions/${encodeURIComponent(resolution)}`);
  const { name } = usePeople(body);
  const [signing, setSigning] = useState(null);
  if (error) return <main class="page"><ErrorNote error={error} /></main>;
  if (!doc) return <main class="page"><p>{t('app.loading')}</p></main>;
  const current = doc.versions[doc.versions.length - 1] || { version: 0, text: '' };
  const sign = () => setSigning({
    nonce: performance.now(),
    sentence: t('sign.resolution', { title: doc.title, version: current.version, time: formatTime(new Date().toISOString()) }),
    run: () => sendSigned(body, person, `/resolutions/${encodeURIComponent(resolution)}/signature`, {},
      { kind: 'resolution_signature', object: resolution, version: current.version, text: current.text }),
  });
  return (
    <main class="page member">
      <div class="row"><h1>{doc.title}</h1><Status status={doc.status} /></div>
      <OfflineBanner />
      <p class="muted">{t('resolution.version', { version: current.version })}</p>
      <article class="card text">{current.text}</article>
      {signing && <SignDialog key={signing.nonce} body={body} sentence={signing.sentence} run={signing.run}
        onCancel={() => { setSigning(null); reload(); }} onDone={() => reload()} />}
      {doc.status === 'submitted' && <button class="primary big" onClick={sign} data-testid="sign-resolution">{t('resolution.sign')}</button>}
      {doc.signature && <p class="ok" data-testid="signed">{t('resolution.signed_by', { signer: name(doc.signature.signer), when: formatDateTime(doc.signature.signed_at) })}</p>}
    </main>
  );
}
