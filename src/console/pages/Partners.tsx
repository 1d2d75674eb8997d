import { useState } from 'react';
import { api, type Me } from '../api';
import { Badge, Head, useApi } from './common';
import { Conformance } from './Conformance';
import { SlaTable } from './Sla';

interface Partner {
  id: string;
  name: string;
  status: string;
  ocpi_version: string | null;
  versions_url: string | null;
  quirks: Record<string, unknown>;
  gated: boolean;
  routes_active: boolean;
  activated_at: string | null;
  last_check: { id: string; verdict: string } | null;
  parties: { role: string; country_code: string; party_id: string; status: string }[];
  endpoints: { module: string; role: string; url: string }[];
}

interface Quirk {
  name: string;
  description: string;
  schema: any;
}

export function Partners({ me }: { me: Me }) {
  const { data: partners, reload } = useApi<Partner[]>('/api/partners');
  const { data: sla } = useApi<any[]>('/api/sla?hours=24');
  const [selected, setSelected] = useState<string>();
  const canChange = me.role === 'admin';
  const partner = partners?.find((p) => p.id === selected);
  return (
    <>
      {canChange && <Invite onInvited={reload} />}
      <table data-testid="partners">
        <Head columns={['Partner', 'Status', 'OCPI', 'Parties', 'Check', '']} />
        <tbody>
          {(partners ?? []).map((p) => (
            <tr key={p.id}>
              <td>{p.name}</td>
              <td>
                <Badge value={p.status} /> {!p.routes_active && <Badge value="GATED" />}
              </td>
              <td>{p.ocpi_version ?? '—'}</td>
              <td>{p.parties.map((party) => `${party.country_code}*${party.party_id} ${party.role}`).join(', ') || 'not registered yet'}</td>
              <td>
                <Badge value={p.last_check?.verdict} />
              </td>
              <td>
                <button className="secondary" onClick={() => setSelected(p.id === selected ? undefined : p.id)}>
                  {p.id === selected ? 'Close' : 'Details'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {partner && (
        <PartnerDetails
          partner={partner}
          sla={(sla ?? []).filter((row) => partner.parties.some((p) => `${p.country_code}*${p.party_id}` === row.party))}
          canChange={canChange}
          onChanged={reload}
        />
      )}
    </>
  );
}

function Invite({ onInvited }: { onInvited: () => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  const [gated, setGated] = useState(false);
  const [invitation, setInvitation] = useState<{ name: string; gated: boolean; token_a: string; versions_url: string }>();
  const [error, setError] = useState('');
  return (
    <div className="panel">
      <h2>Invite a partner</h2>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          api('POST', '/api/partners', { name, gated, ...(role ? { role } : {}) }).then(
            (created) => {
              setInvitation({ name, gated, ...created });
              setName('');
              setError('');
              onInvited();
            },
            (e: Error) => setError(e.message),
          );
        }}
      >
        <label>
          Name <input name="partner-name" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Role (OCPI 2.1.1 only)
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">declared by the partner</option>
            <option value="CPO">CPO</option>
            <option value="EMSP">EMSP</option>
          </select>
        </label>
        <label style={{ flexDirection: 'row', display: 'inline-flex', gap: 4 }}>
          <input type="checkbox" name="gated" checked={gated} onChange={(e) => setGated(e.target.checked)} />
          Gated onboarding (no routes until a conformance check passes)
        </label>
        <button type="submit">Invite</button>
      </form>
      {error && <p className="error">{error}</p>}
      {invitation && (
        <div className="warning" data-testid="invitation">
          <p>
            Token A for <b>{invitation.name}</b>, shown once only:
          </p>
          <p className="secret">{invitation.token_a}</p>
          <p>Send the partner these steps:</p>
          <ol>
            <li>
              GET <code>{invitation.versions_url}</code> with <code>Authorization: Token &lt;token A&gt;</code>, then the 2.2.1 details.
            </li>
            <li>POST your credentials (your token B, versions URL and roles) to the credentials endpoint, with token A.</li>
            <li>The hub calls your versions back with token B, then answers with its own credentials and token C. Token A dies.</li>
            <li>Push your locations and tariffs (CPO) or tokens (eMSP); check your traffic in the partner portal.</li>
            {invitation.gated && <li>Onboarding is gated: the hub checks your platform after the handshake and routes your traffic once the check passes.</li>}
          </ol>
        </div>
      )}
    </div>
  );
}

function PartnerDetails({ partner, sla, canChange, onChanged }: { partner: Partner; sla: any[]; canChange: boolean; onChanged: () => void }) {
  const registered = partner.parties.length > 0;
  const checklist = [
    ['Invited (token A issued)', true],
    ['Credentials exchanged', registered],
    ['Endpoints discovered', partner.endpoints.length > 0],
    ['Conformance check passed', partner.last_check?.verdict === 'PASS' || partner.last_check?.verdict === 'PASS_WITH_WARNINGS'],
    ['Routes active', registered && partner.routes_active],
    ['Connected', partner.status === 'CONNECTED'],
  ] as const;
  const [error, setError] = useState('');
  return (
    <div className="panel" data-testid="partner-details">
      <h2>{partner.name}</h2>
      <h3>Onboarding</h3>
      <ul>
        {checklist.map(([step, done]) => (
          <li key={step} className={done ? 'ok' : ''}>
            {done ? '✔' : '○'} {step}
          </li>
        ))}
      </ul>
      <h3>Endpoints ({partner.ocpi_version ?? 'no version yet'})</h3>
      <table>
        <tbody>
          {partner.endpoints.map((e) => (
            <tr key={`${e.module}-${e.role}`}>
              <td>{e.module}</td>
              <td>{e.role}</td>
              <td>{e.url}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Conformance partner={partner} canChange={canChange} onChanged={onChanged} />
      <h3>Service levels (last day)</h3>
      <SlaTable rows={sla} />
      <Quirks partner={partner} canChange={canChange} onChanged={onChanged} />
      {canChange && (
        <p>
          <button
            className="danger"
            onClick={() => {
              if (!window.confirm(`Remove ${partner.name}? Its tokens are revoked and its parties end SUSPENDED.`)) return;
              api('DELETE', `/api/partners/${partner.id}`).then(onChanged, (e: Error) => setError(e.message));
            }}
          >
            Suspend and remove
          </button>
        </p>
      )}
      {error && <p className="error">{error}</p>}
    </div>
  );
}

/** A form with the quirks the hub knows, and only those. */
function Quirks({ partner, canChange, onChanged }: { partner: Partner; canChange: boolean; onChanged: () => void }) {
  const { data: known } = useApi<Quirk[]>('/api/quirks');
  const [values, setValues] = useState<Record<string, unknown>>(partner.quirks);
  const [message, setMessage] = useState('');
  const set = (name: string, value: unknown) => setValues((v) => ({ ...v, [name]: value }));
  const input = (quirk: Quirk) => {
    const schema = quirk.schema;
    const value = values[quirk.name];
    if (schema.type === 'boolean') return <input type="checkbox" checked={value === true} onChange={(e) => set(quirk.name, e.target.checked || undefined)} />;
    if (schema.type === 'integer') return <input type="number" value={(value as number) ?? ''} onChange={(e) => set(quirk.name, e.target.value ? Number(e.target.value) : undefined)} />;
    if (schema.anyOf) {
      return (
        <select value={(value as string) ?? ''} onChange={(e) => set(quirk.name, e.target.value || undefined)}>
          <option value="">default</option>
          {schema.anyOf.map((option: any) => (
            <option key={option.const}>{option.const}</option>
          ))}
        </select>
      );
    }
    const options: string[] = schema.items?.anyOf?.map((option: any) => option.const) ?? [];
    const chosen = (value as string[]) ?? [];
    return (
      <span>
        {options.map((option) => (
          <label key={option} style={{ flexDirection: 'row', display: 'inline-flex', marginRight: 8 }}>
            <input
              type="checkbox"
              checked={chosen.includes(option)}
              onChange={(e) => set(quirk.name, e.target.checked ? [...chosen, option] : chosen.filter((o) => o !== option))}
            />
            {option}
          </label>
        ))}
      </span>
    );
  };
  return (
    <>
      <h3>Quirks</h3>
      <table>
        <tbody>
          {(known ?? []).map((quirk) => (
            <tr key={quirk.name}>
              <td>{quirk.name}</td>
              <td>{input(quirk)}</td>
              <td>{quirk.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canChange && (
        <button
          onClick={() => {
            const quirks = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && !(Array.isArray(v) && !v.length)));
            api('PATCH', `/api/partners/${partner.id}`, { quirks }).then(
              () => (setMessage('Saved.'), onChanged()),
              (e: Error) => setMessage(e.message),
            );
          }}
        >
          Save quirks
        </button>
      )}
      {message && <p>{message}</p>}
    </>
  );
}
