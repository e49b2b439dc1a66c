import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Orm } from '../db/orm.ts';
import { t } from '../shared/i18n/index.ts';
import type { Services } from '../services.ts';
import { MAX_PARAM_LENGTH, createErrorHandler, handleClientError } from './errors.ts';
import { errorSchema } from './schemas.ts';
import { installSecurity } from './plugins/security.ts';
import { installDocs } from './plugins/docs.ts';
import { healthPlugin } from './plugins/health.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { metaWebhookPlugin } from './plugins/meta-webhook.ts';
import { authenticate, installAuth, requirePermission } from './auth.ts';
import { apiPlugin } from './api/index.ts';
import type { ApiGuards } from './api/guards.ts';

export interface HttpDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  services: Services;
}

/**
 * Builds the sidecar without listening, so tests use `inject`. Order matters: security and docs
 * hook into route registration (rate-limit scoping, OpenAPI collection), so they come first; then
 * one plugin per concern, each registered explicitly here.
 */
export async function buildServer(deps: HttpDeps): Promise<FastifyInstance> {
  const { config, orm, services } = deps;
  const onError = createErrorHandler(config.BODY_LIMIT_BYTES);
  const app = Fastify({
    loggerInstance: deps.logger.child({ module: 'http' }) as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Per-request logs would carry phones in URLs; handlers log what matters, redacted.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Router errors (a path parameter over MAX_PARAM_LENGTH, a malformed %-escape) and errors of
    // the HTTP parser go through the one error handler too: always {"error":{"code","message"}}.
    frameworkErrors: onError,
    clientErrorHandler: handleClientError,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });

  app.setErrorHandler(onError);
  app.setNotFoundHandler((_req, reply) => {
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: t('common.not_found') } });
  });
  app.addSchema(errorSchema);

  await installSecurity(app, config);
  await installDocs(app);
  // JWT + req.caller + /api/auth/*: before every /api plugin (they use authenticate/requirePermission).
  await installAuth(app, { config, orm, services });

  await app.register(healthPlugin, { config, orm, services });
  await app.register(metricsPlugin, { services });
  await app.register(metaWebhookPlugin, { config, meta: services.meta, metrics: services.metrics });

  const guards: ApiGuards = { authenticate, requirePermission, caller: (req) => req.caller! };
  await app.register(apiPlugin, { prefix: '/api', config, orm, services, guards });

  return app;
}
