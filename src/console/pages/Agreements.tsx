import { useState } from 'react';
import { api, type Me } from '../api';
import { Badge, useApi } from './common';

interface Party {
  country_code: string;
  party_id: string;
  role: string;
  standard_agreement: boolean;
}

interface Agreement {
  id: string;
  cpo: string;
  emsp: string;
  modules: string[] | null;
  status: 'ACTIVE' | 'SUSPENDED';
}

const nameOf = (party: Party) => `${party.country_code}*${party.party_id}`;

/** The CPO × eMSP matrix: bilateral, suspended, standard or none, and the changes. */
export function Agreements({ me }: { me: Me }) {
  const { data: parties } = useApi<Party[]>('/api/parties');
  const { data: agreements, reload } = useApi<Agreement[]>('/api/agreements');
  const [cpo, setCpo] = useState('');
  const [emsp, setEmsp] = useState('');
  const [message, setMessage] = useState<{ error?: string; info?: string }>({});
  const canChange = me.role === 'admin';
  const cpos = (parties ?? []).filter((p) => p.role === 'CPO');
  const emsps = (parties ?? []).filter((p) => p.role !== 'CPO' && p.role !== 'HUB');
  const cellOf = (c: Party, e: Party) => {
    const bilateral = agreements?.find((a) => a.cpo === nameOf(c) && a.emsp === nameOf(e));
    if (bilateral) return { label: bilateral.status === 'SUSPENDED' ? 'SUSPENDED' : 'BILATERAL', agreement: bilateral };
    return { label: c.standard_agreement && e.standard_agreement ? 'STANDARD' : 'NONE' };
  };
  const suspend = async (agreement: Agreement) => {
    const impact = await api('GET', `/api/agreements/impact?cpo=${encodeURIComponent(agreement.cpo)}&emsp=${encodeURIComponent(agreement.emsp)}`);
    const question = impact.sessions_in_progress
      ? `${impact.sessions_in_progress} session(s) in progress between ${agreement.cpo} and ${agreement.emsp}: suspending refuses their updates and CDRs. Suspend anyway?`
      : `No session in progress between ${agreement.cpo} and ${agreement.emsp}. Suspend?`;
    if (!window.confirm(question)) return;
    const updated = await api('PATCH', `/api/agreements/${agreement.id}`, { status: 'SUSPENDED' });
    setMessage({ info: `Suspended ${agreement.cpo} × ${agreement.emsp}. ${updated.warning ?? 'No session was in progress.'}` });
    reload();
  };
  const resume = async (agreement: Agreement) => {
    await api('PATCH', `/api/agreements/${agreement.id}`, { status: 'ACTIVE' });
    setMessage({ info: `Resumed ${agreement.cpo} × ${agreement.emsp}.` });
    reload();
  };
  return (
    <>
      {canChange && (
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            api('POST', '/api/agreements', { cpo, emsp }).then(
              (created) => (setMessage({ info: `Created the agreement ${created.cpo} × ${created.emsp}.` }), reload()),
              (e: Error) => setMessage({ error: e.message }),
            );
          }}
        >
          <label>
            CPO <input name="cpo" value={cpo} onChange={(e) => setCpo(e.target.value)} placeholder="US*ABC" required />
          </label>
          <label>
            eMSP <input name="emsp" value={emsp} onChange={(e) => setEmsp(e.target.value)} placeholder="CA*XYZ" required />
          </label>
          <button type="submit">Create agreement</button>
        </form>
      )}
      {message.error && <p className="error" data-testid="agreement-error">{message.error}</p>}
      {message.info && <p className="warning" data-testid="agreement-info">{message.info}</p>}
      <table className="matrix" data-testid="matrix">
        <thead>
          <tr>
            <th>CPO \ eMSP</th>
            {emsps.map((e) => (
              <th key={nameOf(e)}>{nameOf(e)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cpos.map((c) => (
            <tr key={nameOf(c)}>
              <th>{nameOf(c)}</th>
              {emsps.map((e) => {
                const cell = cellOf(c, e);
                const agreement = cell.agreement;
                return (
                  <td className="cell" key={nameOf(e)} data-pair={`${nameOf(c)}|${nameOf(e)}`}>
                    <Badge value={cell.label} />
                    {canChange && agreement && (
                      <div>
                        {agreement.status === 'ACTIVE' ? (
                          <button className="secondary" onClick={() => suspend(agreement).catch((err: Error) => setMessage({ error: err.message }))}>
                            Suspend
                          </button>
                        ) : (
                          <button className="secondary" onClick={() => resume(agreement)}>
                            Resume
                          </button>
                        )}
                      </div>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="legend">
        <span><Badge value="BILATERAL" /> a bilateral agreement decides</span>
        <span><Badge value="STANDARD" /> both in the standard agreement</span>
        <span><Badge value="SUSPENDED" /> blocked</span>
        <span><Badge value="NONE" /> no roaming</span>
      </p>
    </>
  );
}
