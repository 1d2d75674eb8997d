import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import {
  contractsForCpo,
  contractView,
  deleteContract,
  emaidParam,
  lookupContract,
  pcidParam,
  publishContract,
  setDefaultContract,
  type Contract,
  type PublishRequest,
} from '../../pnc/contracts.js';
import { PncError } from '../../pnc/errors.js';
import { provisioningCertificateOf } from '../../pnc/installation-request.js';
import { clientOf, deliverSoon } from './context.js';

/**
 * OPCP ccp.v1. MOs publish, update, delete and look up their own contracts; CPOs fetch the signed
 * contract data of a vehicle (PCID) from the MOs they roam with. The hub answers with the signed
 * contract data as the MO published it: it does not re-encode it as an EXI
 * CertificateInstallationRes.
 */
export async function ccpRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.put<{ Body: PublishRequest }>('/v1/ccp/signedContractData', async (request, reply) => {
    const client = await clientOf(hub, request, 'MO');
    const { contract } = await publishContract(hub.db, client, request.body);
    deliverSoon(hub);
    return reply.code(201).send({ XMLContracts: [contractView(contract)] });
  });

  app.delete<{ Params: { emaid: string } }>('/v1/ccp/signedContractData/:emaid', async (request) => {
    const client = await clientOf(hub, request, 'MO');
    const skip = String(request.headers['x-skip-revocation'] ?? 'false').toLowerCase() === 'true';
    await deleteContract(hub.db, client, request.params.emaid, skip);
    deliverSoon(hub);
    return {};
  });

  app.post<{ Params: { pcid: string; emaid: string } }>('/v1/ccp/signedContractData/:pcid/:emaid/default', async (request) => {
    const client = await clientOf(hub, request, 'MO');
    await setDefaultContract(hub.db, client, request.params.pcid, request.params.emaid);
    return {};
  });

  app.get<{ Params: { emaid: string } }>('/v1/ccp/lookupContract/:emaid', async (request) => {
    const client = await clientOf(hub, request, 'MO');
    return { XMLContracts: [contractView(await lookupContract(hub.db, client, request.params.emaid))] };
  });

  // getContracts: the contracts of a vehicle the CPO may install, default first.
  app.get<{ Params: { pcid: string } }>('/v1/ccp/signedContractData/:pcid', async (request) => {
    const client = await clientOf(hub, request, 'CPO');
    return { XMLContracts: (await contractsForCpo(hub.db, client, request.params.pcid)).map(contractView) };
  });

  // getSignedContractData: answers an ISO 15118-2 CertificateInstallationReq the CPO relays.
  app.post<{ Body: { certificateInstallationReq?: unknown; xsdMsgDefNamespace?: unknown } }>('/v1/ccp/signedContractData', async (request) => {
    const client = await clientOf(hub, request, 'CPO');
    const body = request.body ?? {};
    if (typeof body.certificateInstallationReq !== 'string') throw PncError.invalid('certificateInstallationReq: base64 EXI is required');
    if (typeof body.xsdMsgDefNamespace !== 'string') throw PncError.invalid('xsdMsgDefNamespace is required');
    const { pcid } = provisioningCertificateOf(body.certificateInstallationReq);
    const contracts = (await contractsForCpo(hub.db, client, pcid)).filter((c) => c.xsdNamespace === body.xsdMsgDefNamespace);
    if (contracts.length === 0) throw PncError.notFound(`No contract for PCID ${pcid} that this CPO may install`);
    return { CCPResponse: { emaidContent: contracts.map((contract) => ({ messageDef: signedData(contract) })) } };
  });

  // provideSignedContractData: one contract of a vehicle.
  app.get<{ Params: { emaid: string; pcid: string } }>('/v1/ccp/provideSignedContractData/:emaid/:pcid', async (request) => {
    const client = await clientOf(hub, request, 'CPO');
    const emaid = emaidParam(request.params.emaid);
    const contract = (await contractsForCpo(hub.db, client, pcidParam(request.params.pcid))).find((c) => c.emaidKey === emaid.key);
    if (!contract) throw PncError.notFound(`No contract ${emaid.id} for PCID ${request.params.pcid} that this CPO may install`);
    return { certificateInstallationRes: contract.signedContractData, xsdMsgDefNamespace: contract.xsdNamespace, emaid: contract.emaid };
  });
}

function signedData(contract: Contract) {
  return { emaid: contract.emaid, certificateInstallationRes: contract.signedContractData, metaData: contract.isDefault ? 'default' : undefined };
}
