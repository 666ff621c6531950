// The one way an act is signed in the member app: the sentence saying exactly
// what will be signed, in words, then the device key signs the canonical
// payload and the act is sent (retried with the same key when the network
// drops). A refusal is shown in the reader's words with the server's reason.
import { useState } from 'preact/hooks';
import { NoKey, online } from '../acts.js';
import { t } from '../i18n.js';
import { useSignal } from '../signal.js';
import { ProblemText } from './parts.jsx';

// `sentence`: the act in words; `run`: signs and sends, resolving to the answer.
export function SignDialog({ body, sentence, run, onDone, onCancel }) {
  const [state, setState] = useState('ask'); // ask | signing | done | failed
  const [error, setError] = useState('');
  const connected = useSignal(online);
  const sign = async () => {
    setState('signing');
    setError('');
    try {
      const answer = await run();
      setState('done');
      onDone?.(answer);
    } catch (e) {
      setState('failed');
      setError(e instanceof NoKey ? t('sign.no_key') : e);
    }
  };
  return (
    <div class="dialog card" role="dialog" aria-modal="false" aria-labelledby="sign-h" data-testid="sign-dialog">
      <h2 id="sign-h">{t('sign.title')}</h2>
      <p class="big" data-testid="sign-sentence">{sentence}</p>
      {state === 'signing' && <p role="status">{connected ? t('sign.sending') : t('sign.waiting_network')}</p>}
      {state === 'done' && <p role="status" class="ok">{t('sign.recorded')}</p>}
      {error && <p role="alert" class="error" data-testid="sign-error"><ProblemText problem={error} />
        {error === t('sign.no_key') && <> <a href={`#/b/${body}/keys`}>{t('keys.title')}</a></>}</p>}
      <div class="buttons">
        {state !== 'done' && <button class="primary" onClick={sign} disabled={state === 'signing'} data-testid="sign-confirm">
          {t('sign.confirm')}</button>}
        <button onClick={onCancel} disabled={state === 'signing'}>{state === 'done' ? t('sign.close') : t('sign.cancel')}</button>
      </div>
    </div>
  );
}

// The banner every member screen shows while the network is gone.
export function OfflineBanner() {
  const connected = useSignal(online);
  if (connected) return null;
  return <p class="offline" role="status" data-testid="offline">{t('app.offline')}</p>;
}
