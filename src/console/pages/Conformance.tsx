import { useState } from 'react';
import { api } from '../api';
import { Badge, Head, Pretty, time, useApi } from './common';

/** What the Partners page knows of a partner's onboarding gate and its checks. */
export interface GatedPartner {
  id: string;
  name: string;
  gated: boolean;
  routes_active: boolean;
  activated_at: string | null;
  ocpi_version: string | null;
}

interface CheckCase {
  id: string;
  title: string;
  section: string;
  outcome: 'PASS' | 'WARN' | 'FAIL';
  detail: string;
  exchange?: unknown;
  quirk?: Record<string, unknown>;
}

interface CheckReport {
  id: string;
  reason: string;
  verdict: string;
  finished_at: string;
  cases: CheckCase[];
  quirks: Record<string, unknown>;
}

/**
 * A partner's conformance: the gate of a gated partner (and the operator's Activate), the latest
 * check case by case with its spec sections and exchanges, Run check, and the quirks it offers.
 */
export function Conformance({ partner, canChange, onChanged }: { partner: GatedPartner; canChange: boolean; onChanged: () => void }) {
  const { data: checks, reload } = useApi<CheckReport[]>(`/api/partners/${partner.id}/checks`);
  const [busy, setBusy] = useState('');
  const [message, setMessage] = useState('');
  const latest = checks?.[0];
  const act = (label: string, method: string, path: string, done: (answer: any) => string) => {
    setBusy(label);
    setMessage('');
    api(method, path, {}).then(
      (answer) => (setMessage(done(answer)), reload(), onChanged()),
      (e: Error) => setMessage(e.message),
    ).finally(() => setBusy(''));
  };
  const registered = partner.ocpi_version !== null;
  return (
    <div data-testid="conformance">
      <h3>Conformance</h3>
      {partner.gated && (
        <p data-testid="gate">
          {partner.routes_active ? (
            <>
              <Badge value="ACTIVE" /> Gated onboarding: routes active since {time(partner.activated_at!)}.
            </>
          ) : (
            <>
              <Badge value="GATED" /> Gated onboarding: nothing is routed to or from {partner.name} until a check passes
              {latest?.verdict === 'PASS_WITH_WARNINGS' ? ' (it passed with warnings: apply the quirks, or accept them and activate)' : ''}.{' '}
              {canChange && (
                <button disabled={busy !== ''} onClick={() => act('activate', 'POST', `/api/partners/${partner.id}/activation`, () => 'Routes activated.')}>
                  Activate
                </button>
              )}
            </>
          )}
        </p>
      )}
      {canChange && (
        <p>
          <button
            data-testid="run-check"
            disabled={busy !== '' || !registered}
            title={registered ? '' : 'The partner is not registered yet'}
            onClick={() => act('check', 'POST', `/api/partners/${partner.id}/checks`, (report: CheckReport) => `Check ${report.id}: ${report.verdict}`)}
          >
            {busy === 'check' ? 'Checking…' : 'Run check'}
          </button>
        </p>
      )}
      {message && <p data-testid="conformance-info">{message}</p>}
      {!latest ? (
        <p>{registered ? 'Not checked yet.' : 'Checks run once the partner is registered.'}</p>
      ) : (
        <>
          <p data-testid="check-verdict">
            <Badge value={latest.verdict} /> check {latest.id}, {latest.reason.toLowerCase().replace(/_/g, ' ')}, {time(latest.finished_at)}
          </p>
          {Object.keys(latest.quirks).length > 0 && (
            <p className="warning" data-testid="offered-quirks">
              Quirks that would bridge the warnings: <code>{JSON.stringify(latest.quirks)}</code>{' '}
              {canChange && (
                <button
                  disabled={busy !== ''}
                  onClick={() =>
                    act('quirks', 'POST', `/api/partners/${partner.id}/checks/${latest.id}/quirks`, (applied: { check: CheckReport }) => `Quirks applied; check ${applied.check.id}: ${applied.check.verdict}`)
                  }
                >
                  Apply
                </button>
              )}
            </p>
          )}
          <table data-testid="check-cases">
            <Head columns={['', 'Case', 'Spec section', 'Detail']} />
            <tbody>
              {latest.cases.map((c) => (
                <tr key={c.id} data-case={c.id}>
                  <td>
                    <Badge value={c.outcome} />
                  </td>
                  <td>{c.title}</td>
                  <td>{c.section}</td>
                  <td>
                    {c.detail}
                    {c.exchange !== undefined && (
                      <details>
                        <summary>request and response</summary>
                        <Pretty value={c.exchange} />
                      </details>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
