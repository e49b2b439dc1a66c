import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Orm } from '../db/orm.ts';
import { pingDb } from '../db/orm.ts';
import { isAppError } from '../shared/errors.ts';
import { t } from '../shared/i18n/index.ts';
import type { Services } from '../services.ts';

export interface HttpDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  services: Services;
}

/** Builds the sidecar without listening, so tests use `inject`. */
export async function buildServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ module: 'http' }) as FastifyBaseLogger,
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    disableRequestLogging: true,
    trustProxy: false,
  });

  app.setErrorHandler((err, req, reply) => {
    if (isAppError(err)) {
      return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    }
    const e = err as { validation?: unknown; statusCode?: number; code?: string; message: string };
    if (e.validation) {
      return reply.status(400).send({ error: { code: 'VALIDATION_ERROR', message: t('common.invalid_input', { detail: e.message }) } });
    }
    if (e.statusCode && e.statusCode < 500) {
      return reply.status(e.statusCode).send({ error: { code: e.code ?? 'BAD_REQUEST', message: e.message } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: t('common.internal_error') } });
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: t('common.not_found') } });
  });

  app.get('/health', async () => {
    const db = await pingDb(deps.orm);
    return {
      status: db ? 'ok' : 'degraded',
      database: { ok: db, kind: deps.config.db.kind },
      whatsapp: deps.services.transportState(),
      uptimeSeconds: Math.round(process.uptime()),
    };
  });

  return app;
}
