import type { SimCpo, TapOutcome } from './cpo.js';
import type { SimEmsp } from './emsp.js';
import type { AdminApi } from './onboard.js';
import { OpcpClient } from './opcp-client.js';
import { certificateInstallationReq, createPki, issueProvisioning, type Pki } from './pki.js';
import type { Random } from './random.js';

interface Vehicle {
  pcid: string;
  /** The car's CertificateInstallationReq, with its OEM provisioning certificate. */
  installationRequest: string;
}

/**
 * Plug & Charge in a simulated network: a throw-away PKI whose roots the operator trusts, OPCP
 * client credentials for every partner, eMSPs publishing their drivers' contracts, and the
 * drivers' cars, which plug in at CPOs' DC chargers.
 */
export class PlugAndCharge {
  private constructor(
    private readonly cpoClients: Map<SimCpo, OpcpClient>,
    readonly vehicles: Vehicle[],
  ) {}

  static async setUp(api: AdminApi, cpos: SimCpo[], emsps: SimEmsp[]): Promise<PlugAndCharge> {
    const pki = await createPki();
    for (const [root, rootType] of [[pki.v2gRoot, 'V2G'], [pki.oemRoot, 'OEM']] as const) {
      await api.request('PUT', '/opcp/v1/root/rootCerts', { caCertificate: root.base64, rootType });
    }
    const clientOf = async (party: { countryCode: string; partyId: string }, role: string) => {
      const issued = await api.request<{ client_id: string; client_secret: string }>('POST', '/api/pnc/clients', {
        party: `${party.countryCode}*${party.partyId}`,
        role,
      });
      return new OpcpClient(api.baseUrl, issued.client_id, issued.client_secret);
    };
    const cpoClients = new Map<SimCpo, OpcpClient>();
    for (const cpo of cpos) cpoClients.set(cpo, await clientOf(cpo.party, 'CPO'));
    const vehicles: Vehicle[] = [];
    for (const emsp of emsps) {
      await emsp.publishContracts(await clientOf(emsp.party, 'EMSP'), pki);
      vehicles.push(...(await vehiclesOf(emsp, pki)));
    }
    return new PlugAndCharge(cpoClients, vehicles);
  }

  /** A Plug & Charge car plugs in at one of the CPOs. */
  async plugIn(cpo: SimCpo, rng: Random): Promise<TapOutcome | undefined> {
    const client = this.cpoClients.get(cpo);
    if (!client || this.vehicles.length === 0) return undefined;
    return cpo.plugAndCharge(client, rng.pick(this.vehicles));
  }
}

async function vehiclesOf(emsp: SimEmsp, pki: Pki): Promise<Vehicle[]> {
  const pcids = emsp.drivers.filter((d) => d.pcid && d.status === 'ACTIVE').map((d) => d.pcid!);
  return Promise.all(pcids.map(async (pcid) => ({ pcid, installationRequest: certificateInstallationReq(await issueProvisioning(pki, pcid)) })));
}
