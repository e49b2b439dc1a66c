import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { EntityManager } from '@mikro-orm/sql';
import type { Config } from '../../config.ts';
import type { Orm } from '../../db/orm.ts';
import type { Services } from '../../services.ts';
import type { Reader } from '../../modules/files/file-access.service.ts';

/**
 * What every /api route plugs in: JWT authentication and a permission check (from the RBAC
 * module's src/http/auth.ts), plus the caller they established. Routes only declare which
 * permission they need (`protect(perm)`), never check roles themselves.
 */

export type PreHandler = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface ApiGuards {
  authenticate: PreHandler;
  requirePermission(permission: string): preHandlerAsyncHookHandler;
  /** The authenticated caller (after `authenticate`). */
  caller(req: FastifyRequest): Reader;
}

export interface ApiOptions {
  config: Config;
  orm: Orm;
  services: Services;
  guards: ApiGuards;
}

/**
 * Route options for a protected route: JWT authentication, then the permission check, both on
 * `onRequest` — before the body is even read — so an anonymous or unauthorized caller gets its
 * 401/403 whatever it sent, and never makes the server parse or validate a body.
 */
export function protect(guards: ApiGuards, permission: string) {
  return { onRequest: [guards.authenticate, guards.requirePermission(permission) as PreHandler] };
}

export const bearer = [{ bearerAuth: [] as string[] }];

/** A fresh unit of work per request. */
export const emOf = (orm: Orm): EntityManager => orm.em.fork() as unknown as EntityManager;

/** Audits an API action; the audit module is optional in tests of other modules. */
export async function auditApi(
  services: Services,
  em: EntityManager,
  reader: Reader,
  action: string,
  target: string | null,
  details: Record<string, unknown> = {},
  outcome: 'success' | 'failure' | 'denied' = 'success',
): Promise<void> {
  await services.audit?.record(em, { actorId: reader.userId, actorPhone: reader.phone, action, target, details, outcome, channel: 'http' });
}

export const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);
