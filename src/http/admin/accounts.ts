import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  AccountTakenError,
  ROLES,
  authenticate,
  closeSession,
  createAccount,
  deleteAccount,
  listAccounts,
  openSession,
  type Role,
} from '../../hub/accounts/accounts.js';
import { auditTrail } from '../../hub/accounts/audit.js';
import type { HubContext } from '../../hub/context.js';
import { getPlatform, isUuid } from '../../hub/registry.js';
import { SESSION_COOKIE } from './access.js';
import { ErrorReply, Nullable, badRequest } from './schemas.js';

const RoleSchema = Type.String({ enum: [...ROLES], description: 'admin changes anything; support, finance and read-only read; partner reads its own, and takes its side in the disputes of its own CDRs' });
const AccountView = Type.Object({ id: Type.String(), username: Type.String(), role: RoleSchema, partner_id: Nullable(Type.String()) });
const MeView = Type.Object({ username: Type.String(), role: RoleSchema, parties: Nullable(Type.Array(Type.String())), csrf_token: Nullable(Type.String()) });

/** Logging in and out of the console: open to anyone, outside the guarded API. */
export async function loginRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.post(
    '/auth/login',
    {
      schema: {
        summary: 'Log in to the console',
        description: 'Opens a session: an HttpOnly cookie, and a CSRF token to send back in X-CSRF-Token with every change.',
        tags: ['accounts'],
        security: [],
        body: Type.Object({ username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }) }),
        response: { 200: Type.Object({ username: Type.String(), role: RoleSchema, csrf_token: Type.String() }), 401: ErrorReply },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const account = await authenticate(hub.db, username, password);
      if (!account) return reply.code(401).send({ error: 'unauthorized', message: 'Wrong username or password' });
      const session = await openSession(hub.db, account);
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: 'auto',
        path: '/',
        expires: session.expiresAt,
      });
      return { username: account.username, role: account.role, csrf_token: session.csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { summary: 'Log out of the console', tags: ['accounts'], security: [], response: { 204: Type.Null() } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await closeSession(hub.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );
}

/** Accounts and the audit log, for admins; `me` for everyone logged in. */
export async function accountRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get(
    '/auth/me',
    { schema: { summary: 'Who is logged in', tags: ['accounts'], response: { 200: MeView } } },
    async (request) => {
      const principal = request.principal!;
      return { username: principal.actor, role: principal.role, parties: principal.parties ?? null, csrf_token: principal.csrfToken ?? null };
    },
  );

  app.get(
    '/accounts',
    { schema: { summary: 'List console accounts', tags: ['accounts'], response: { 200: Type.Array(AccountView) } } },
    async () => (await listAccounts(hub.db)).map((a) => ({ id: a.id, username: a.username, role: a.role, partner_id: a.platformId })),
  );

  app.post(
    '/accounts',
    {
      schema: {
        summary: 'Create a console account',
        description: 'A partner account names its partner (partner_id) and sees only that partner’s parties.',
        tags: ['accounts'],
        body: Type.Object({
          username: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._@-]+$' }),
          password: Type.String({ minLength: 10, maxLength: 200, description: 'At least 10 characters' }),
          role: RoleSchema,
          partner_id: Type.Optional(Type.String({ description: 'The partner of a partner account' })),
        }),
        response: { 201: AccountView, 400: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const body = request.body as { username: string; password: string; role: Role; partner_id?: string };
      if ((body.role === 'partner') !== (body.partner_id !== undefined)) {
        throw badRequest('partner_id is required for a partner account, and only for one');
      }
      if (body.partner_id !== undefined && !(isUuid(body.partner_id) && (await getPlatform(hub.db, body.partner_id)))) {
        throw badRequest(`partner_id: no partner ${body.partner_id}`);
      }
      try {
        const account = await createAccount(hub.db, { ...body, platformId: body.partner_id });
        return reply.code(201).send({ id: account.id, username: account.username, role: account.role, partner_id: account.platformId });
      } catch (error) {
        if (error instanceof AccountTakenError) return reply.code(409).send({ error: 'conflict', message: error.message });
        throw error;
      }
    },
  );

  app.delete(
    '/accounts/:id',
    { schema: { summary: 'Delete a console account', tags: ['accounts'], params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), 404: ErrorReply } } },
    async (request, reply) => {
      const deleted = await deleteAccount(hub.db, (request.params as { id: string }).id);
      if (!deleted) return reply.code(404).send({ error: 'not_found', message: 'No such account' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/audit',
    {
      schema: {
        summary: 'The audit log',
        description: 'Every change made through the admin API, newest first: who, when, what, the answer.',
        tags: ['accounts'],
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }), before: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.Number(), at: Type.String({ format: 'date-time' }), actor: Type.String(), role: Type.String(),
              method: Type.String(), path: Type.String(), http_status: Type.Number(), body: Type.Unknown(),
            }),
          ),
        },
      },
    },
    async (request) => {
      const { limit, before } = request.query as { limit: number; before?: number };
      return (await auditTrail(hub.db, limit, before)).map((entry) => ({ ...entry, at: entry.at.toISOString() }));
    },
  );
}
