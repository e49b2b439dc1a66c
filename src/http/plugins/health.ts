import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Orm } from '../../db/orm.ts';
import { pingDb } from '../../db/orm.ts';
import type { Services } from '../../services.ts';

/**
 * GET /health: database ping, WhatsApp connection state and queue depth (webhook deliveries stored
 * but not processed yet, deliveries being processed here, ingest writes queued or retrying, media
 * downloads pending). 200 when the database answers, 503 otherwise,
 * so a load balancer or systemd watchdog can act on the status code alone.
 */
export async function healthPlugin(app: FastifyInstance, opts: { config: Config; orm: Orm; services: Services }): Promise<void> {
  const { config, orm, services } = opts;
  app.get(
    '/health',
    {
      schema: {
        tags: ['ops'],
        summary: 'Estado del servicio',
        response: {
          '2xx': {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok', 'degraded'] },
              database: { type: 'object', properties: { ok: { type: 'boolean' }, kind: { type: 'string' } } },
              whatsapp: { type: 'object', additionalProperties: true, properties: { status: { type: 'string' }, since: { type: 'string' } } },
              cloudApi: {
                type: 'array',
                description: 'Cloud API numbers (META_PHONE_NUMBER_ID) and their last Graph API error',
                items: { type: 'object', properties: { phoneNumberId: { type: 'string' }, status: { type: 'string' }, lastError: { type: 'string' } } },
              },
              queue: {
                type: 'object',
                properties: {
                  webhookInboxPending: { type: ['integer', 'null'] },
                  inProcess: { type: 'integer' },
                  ingestQueued: { type: 'integer' },
                  ingestRetrying: { type: 'integer' },
                  mediaPending: { type: 'integer' },
                },
              },
              uptimeSeconds: { type: 'integer' },
            },
          },
        },
      },
    },
    async (_req, reply) => {
      const db = await pingDb(orm);
      const pending = db ? await services.meta.inbox.pendingCount().catch(() => null) : null;
      const ingest = services.ingest.stats();
      reply.status(db ? 200 : 503);
      return {
        status: db ? 'ok' : 'degraded',
        database: { ok: db, kind: config.db.kind },
        whatsapp: services.transportState(),
        cloudApi: services.meta.transports.map((t) => ({ phoneNumberId: t.businessNumberId() ?? '', status: t.state().status, ...(t.state().lastError ? { lastError: t.state().lastError } : {}) })),
        queue: {
          webhookInboxPending: pending,
          inProcess: services.meta.worker.size(),
          ingestQueued: ingest.queued,
          ingestRetrying: ingest.retrying,
          mediaPending: ingest.media,
        },
        uptimeSeconds: Math.round(process.uptime()),
      };
    },
  );
}
