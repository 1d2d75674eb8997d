import { useEffect, useState, type ReactNode } from 'react';
import { login, logout, whoAmI, type Me } from './api';
import { Agreements } from './pages/Agreements';
import { Clearing } from './pages/Clearing';
import { Journal } from './pages/Journal';
import { MapPage } from './pages/Map';
import { Overview } from './pages/Overview';
import { Partners } from './pages/Partners';
import { Sla } from './pages/Sla';
import { Support } from './pages/Support';

interface Page {
  id: string;
  title: string;
  render: (me: Me) => ReactNode;
  operatorsOnly?: boolean;
}

const PAGES: Page[] = [
  { id: 'overview', title: 'Overview', render: () => <Overview />, operatorsOnly: true },
  { id: 'partners', title: 'Partners', render: (me) => <Partners me={me} />, operatorsOnly: true },
  { id: 'agreements', title: 'Agreements', render: (me) => <Agreements me={me} />, operatorsOnly: true },
  { id: 'clearing', title: 'Clearing', render: (me) => <Clearing me={me} /> },
  { id: 'support', title: 'Support', render: () => <Support /> },
  { id: 'journal', title: 'Journal', render: () => <Journal /> },
  { id: 'map', title: 'Map', render: () => <MapPage />, operatorsOnly: true },
  { id: 'sla', title: 'Service levels', render: () => <Sla /> },
];

const currentPage = () => window.location.hash.replace(/^#\/?/, '').split('?')[0];

export function App() {
  const [me, setMe] = useState<Me | undefined | null>(null);
  const [page, setPage] = useState(currentPage());
  useEffect(() => {
    whoAmI().then(setMe);
    const follow = () => setPage(currentPage());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  if (me === null) return <p className="loading">Loading…</p>;
  if (!me) return <Login onLogin={setMe} />;
  const pages = PAGES.filter((p) => me.role !== 'partner' || !p.operatorsOnly);
  const shown = pages.find((p) => p.id === page) ?? pages[0];
  return (
    <div className="shell">
      <nav>
        <div className="brand">Switchyard</div>
        {pages.map((p) => (
          <a key={p.id} href={`#/${p.id}`} className={p === shown ? 'active' : ''}>
            {p.title}
          </a>
        ))}
        <div className="who">
          <span data-testid="who">
            {me.username} · {me.role}
            {me.parties ? ` · ${me.parties.join(', ')}` : ''}
          </span>
          <button className="link" onClick={() => logout().then(() => setMe(undefined))}>
            Log out
          </button>
        </div>
      </nav>
      <main>
        <h1>{shown.title}</h1>
        {shown.render(me)}
      </main>
    </div>
  );
}

function Login({ onLogin }: { onLogin: (me: Me | undefined) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  return (
    <form
      className="login"
      onSubmit={(event) => {
        event.preventDefault();
        login(username, password).then(onLogin, (e: Error) => setError(e.message));
      }}
    >
      <h1>Switchyard console</h1>
      <label>
        Username <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
      </label>
      <label>
        Password <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <button type="submit">Log in</button>
      {error && <p className="error">{error}</p>}
    </form>
  );
}
