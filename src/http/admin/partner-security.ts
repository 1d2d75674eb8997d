import { X509Certificate } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import { getPlatform, setPartnerSecurity } from '../../hub/registry.js';
import { normalizeFingerprint } from '../client-certificate.js';
import { badRequest, ErrorReply, Nullable } from './schemas.js';

const SecurityView = Type.Object({
  rate_limit: Nullable(
    Type.Object({
      per_second: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'Sustained requests per second' }),
      burst: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Requests allowed at once' }),
    }),
  ),
  client_certificate: Nullable(
    Type.Object({
      sha256: Type.Optional(Type.String({ pattern: '^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$', description: 'SHA-256 fingerprint, hex' })),
      ca: Type.Optional(Type.String({ maxLength: 65_536, description: 'PEM of the CA that issues the partner\'s client certificates' })),
    }),
  ),
});

/** The operator's security settings for one partner: its request budget and client-certificate pin. */
export async function partnerSecurityRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.put(
    '/partners/:id/security',
    {
      schema: {
        summary: "Set a partner's request budget and client-certificate pin",
        description:
          'rate_limit overrides the hub\'s default budget (null: the default). client_certificate pins the partner: its tokens are then accepted only over TLS connections presenting a certificate with this SHA-256 fingerprint, or issued by this CA (null: no pin).',
        tags: ['partners'],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: SecurityView,
        response: { 200: SecurityView, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const platform = await getPlatform(hub.db, (request.params as { id: string }).id);
      if (!platform) return reply.code(404).send({ error: 'not_found', message: 'No such partner' });
      const body = request.body as {
        rate_limit: { per_second: number; burst: number } | null;
        client_certificate: { sha256?: string; ca?: string } | null;
      };
      const pin = body.client_certificate;
      if (pin && !pin.sha256 === !pin.ca) throw badRequest('client_certificate must give exactly one of sha256 and ca');
      if (pin?.ca && !isCertificate(pin.ca)) throw badRequest('client_certificate.ca must be a PEM certificate');
      await setPartnerSecurity(hub.db, platform.id, {
        rateLimit: body.rate_limit ? { perSecond: body.rate_limit.per_second, burst: body.rate_limit.burst } : null,
        clientCertificate: pin ? (pin.sha256 ? { sha256: normalizeFingerprint(pin.sha256) } : { ca: pin.ca }) : null,
      });
      return { rate_limit: body.rate_limit, client_certificate: pin };
    },
  );
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
