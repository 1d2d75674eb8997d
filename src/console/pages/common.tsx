import { useCallback, useEffect, useState } from 'react';
import { api } from '../api';

/** Loads `path` from the admin API; `reload` asks again, and so does a new `version`. */
export function useApi<T>(path: string | null, version = 0): { data: T | undefined; error: string; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    api<T>('GET', path).then(
      (value) => live && (setData(value), setError('')),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [path, tick, version]);
  return { data, error, reload: useCallback(() => setTick((t) => t + 1), []) };
}

export const Badge = ({ value }: { value: string | null | undefined }) => <span className={`badge ${value ?? ''}`}>{value ?? '—'}</span>;

export const Pretty = ({ value }: { value: unknown }) => <pre>{JSON.stringify(value, null, 2)}</pre>;

export const percent = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 2 : 1)} %`;

export const time = (iso: string) => new Date(iso).toLocaleString();

export const Head = ({ columns }: { columns: string[] }) => (
  <thead>
    <tr>
      {columns.map((column, i) => (
        <th key={i}>{column}</th>
      ))}
    </tr>
  </thead>
);

/** The window of the figures shown, in hours back from now. */
export function WindowSelect({ hours, onChange, choices }: { hours: number; onChange: (hours: number) => void; choices: [number, string][] }) {
  return (
    <form className="inline">
      <label>
        Window
        <select value={hours} onChange={(e) => onChange(Number(e.target.value))}>
          {choices.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
