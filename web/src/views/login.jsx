// Log in with the person's id and password; the server sets the session cookie.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { ProblemText } from './parts.jsx';

export function Login({ onLogin }) {
  const [person, setPerson] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const me = await api('/v1/login', { method: 'POST', body: { person: person.trim(), password, cookie: true } });
      onLogin({ person: me.person });
    } catch (problem) {
      setError(problem.status === 401 ? t('login.failed') : problem);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="page narrow">
      <h1>{t('login.title')}</h1>
      <form onSubmit={submit} class="card stack">
        <label for="person">{t('login.person')}</label>
        <input id="person" name="person" autocomplete="username" required value={person}
          onInput={(e) => setPerson(e.currentTarget.value)} />
        <label for="password">{t('login.password')}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required value={password}
          onInput={(e) => setPassword(e.currentTarget.value)} />
        <div role="alert" class="error"><ProblemText problem={error} /></div>
        <button type="submit" class="primary" disabled={busy}>{t('login.submit')}</button>
      </form>
    </main>
  );
}
