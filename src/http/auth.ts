/**
 * HTTP authentication and authorization for /api: the same roles and permissions as chat.
 *
 * Stable exports (other /api plugins depend on them):
 *   installAuth(app, deps)     Call once on the ROOT instance in buildServer, after installSecurity
 *                              (so /api/auth/* is rate-limited) and before any /api plugin. Registers
 *                              @fastify/jwt, `req.caller`, and the routes below.
 *   authenticate               preHandler: verifies `Authorization: Bearer <jwt>`, reloads the user
 *                              (role, status) from the database and sets `req.caller` (a Caller from
 *                              rbac.service.ts). 401 TOKEN_EXPIRED | INVALID_TOKEN | UNAUTHORIZED,
 *                              403 ACCOUNT_SUSPENDED.
 *   requirePermission(perm)    preHandler factory: authenticate + permission check, 403 FORBIDDEN
 *                              (audited as `http.denied`). Use the permission names of permissions.ts.
 *   Example:
 *     app.get('/api/reports', { preHandler: requirePermission('reports.view'), schema }, async (req) => …req.caller!…)
 *
 * Routes: POST /api/auth/login {phone, password, totp?} → {token, expiresAt};
 *         GET /api/auth/me → {phone, role, level, permissions}.
 */
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Config } from '../config.ts';
import type { Orm } from '../db/orm.ts';
import { withEm } from '../db/orm.ts';
import type { Services } from '../services.ts';
import type { Caller } from '../modules/identity/rbac.service.ts';
import { AppError, ForbiddenError } from '../shared/errors.ts';
import { t } from '../shared/i18n/index.ts';
import { errorRef } from './schemas.ts';

export interface AuthDeps {
  config: Config;
  orm: Orm;
  services: Services;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` / `requirePermission`: who is calling, with fresh permissions. */
    caller: Caller | null;
  }
  interface FastifyInstance {
    mariadonoAuth: AuthDeps;
  }
}

interface TokenPayload {
  sub: string;
  phone: string;
  role: string | null;
}

const JWT_ERRORS: Record<string, { code: string; key: string }> = {
  FST_JWT_AUTHORIZATION_TOKEN_EXPIRED: { code: 'TOKEN_EXPIRED', key: 'admin.login.expired' },
  FST_JWT_NO_AUTHORIZATION_IN_HEADER: { code: 'UNAUTHORIZED', key: 'admin.login.unauthorized' },
};

export async function authenticate(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (req.caller) return;
  const { orm, services } = req.server.mariadonoAuth;
  let payload: TokenPayload;
  try {
    payload = await req.jwtVerify<TokenPayload>();
  } catch (err) {
    const known = JWT_ERRORS[(err as { code?: string }).code ?? ''] ?? { code: 'INVALID_TOKEN', key: 'admin.login.bad_token' };
    throw new AppError(known.code, t(known.key), 401);
  }
  const userId = Number(payload.sub);
  if (!Number.isInteger(userId) || userId <= 0) throw new AppError('INVALID_TOKEN', t('admin.login.bad_token'), 401);
  // Role and status come from the database on every request: a demotion or suspension applies at once.
  const caller = await withEm(orm, (em) => services.rbac!.identify(em, userId));
  if (!caller.userId) throw new AppError('INVALID_TOKEN', t('admin.login.bad_token'), 401);
  if (!caller.active) throw new AppError('ACCOUNT_SUSPENDED', t('admin.login.suspended'), 403);
  req.caller = caller;
}

export function requirePermission(permission: string): preHandlerAsyncHookHandler {
  return async function checkPermission(req, reply) {
    await authenticate(req, reply);
    const caller = req.caller!;
    if (caller.permissions.has(permission)) return;
    const { orm, services } = req.server.mariadonoAuth;
    await withEm(orm, (em) =>
      services.audit!.record(em, {
        actorId: caller.userId,
        actorPhone: caller.phone,
        action: 'http.denied',
        target: `${req.method} ${req.routeOptions.url ?? req.url}`.slice(0, 255),
        details: { permission },
        outcome: 'denied',
        channel: 'http',
      }),
    );
    throw new ForbiddenError(t('admin.login.forbidden', { permission }));
  };
}

const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['phone', 'password'],
  properties: {
    phone: { type: 'string', minLength: 8, maxLength: 30, description: 'Teléfono con prefijo de país, p. ej. +34600000001' },
    password: { type: 'string', minLength: 1, maxLength: 200 },
    totp: { type: 'string', minLength: 6, maxLength: 10, description: 'Código de 6 dígitos, obligatorio si tienes TOTP activado' },
  },
} as const;

async function authRoutes(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  const { config, orm, services } = deps;
  app.post<{ Body: { phone: string; password: string; totp?: string } }>(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Inicia sesión con teléfono y contraseña (y TOTP si está activado)',
        body: loginBody,
        response: {
          200: {
            type: 'object',
            properties: { token: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } },
            required: ['token', 'expiresAt'],
          },
          400: errorRef,
          401: errorRef,
          403: errorRef,
          429: errorRef,
        },
      },
    },
    async (req, reply) => {
      const result = await withEm(orm, (em) => services.auth!.login(em, req.body, { ip: req.ip }));
      if (!result.ok) {
        if (result.retryAfterMs) reply.header('Retry-After', String(Math.ceil(result.retryAfterMs / 1000)));
        throw new AppError(result.code, result.message, result.status);
      }
      const payload: TokenPayload = { sub: String(result.caller.userId), phone: result.caller.phone, role: result.caller.roleName };
      const expiresIn = Math.max(1, Math.floor(config.JWT_EXPIRES_IN / 1000));
      const token = app.jwt.sign(payload, { expiresIn });
      const exp = (app.jwt.decode<{ exp: number }>(token)?.exp ?? 0) * 1000;
      return { token, expiresAt: new Date(exp).toISOString() };
    },
  );

  app.get(
    '/api/auth/me',
    {
      preHandler: authenticate,
      schema: {
        tags: ['auth'],
        summary: 'Quién soy: teléfono, rol y permisos del token',
        security: [{ bearerAuth: [] }],
        response: {
          200: {
            type: 'object',
            properties: {
              phone: { type: 'string' },
              role: { type: ['string', 'null'] },
              level: { type: 'integer' },
              permissions: { type: 'array', items: { type: 'string' } },
            },
          },
          401: errorRef,
          403: errorRef,
        },
      },
    },
    async (req) => {
      const c = req.caller!;
      return { phone: c.phone, role: c.roleName, level: c.level, permissions: [...c.permissions].sort() };
    },
  );
}

/** Registers JWT support, `req.caller` and the auth routes on the root instance. */
export async function installAuth(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  await app.register(fastifyJwt, {
    secret: deps.config.JWT_SECRET,
    sign: { algorithm: 'HS256' },
    verify: { algorithms: ['HS256'] },
  });
  app.decorate('mariadonoAuth', deps);
  app.decorateRequest('caller', null);
  await app.register(authRoutes, deps);
}
