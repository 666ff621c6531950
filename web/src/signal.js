// A tiny observable value shared by components (language, session).
import { useEffect, useState } from 'preact/hooks';

export function signal(initial) {
  let value = initial;
  const listeners = new Set();
  return {
    get: () => value,
    set: (next) => { value = next; listeners.forEach((l) => l(value)); },
    subscribe: (l) => { listeners.add(l); return () => listeners.delete(l); },
  };
}

export function useSignal(s) {
  const [value, setValue] = useState(s.get());
  useEffect(() => s.subscribe(setValue), [s]);
  return value;
}
