import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { MetaService } from '../../modules/meta/meta.service.ts';
import { classifyEnvelope } from '../../modules/meta/map-payload.ts';
import { parseWebhookBody } from '../../modules/meta/payload.ts';
import { dedupeKeyOf, verifySignature } from '../../modules/meta/signature.ts';
import { AppError, ForbiddenError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import type { MetricsRegistry } from '../../shared/metrics-registry.ts';
import { errorRef } from '../schemas.ts';

/**
 * Meta Cloud API webhooks. Encapsulated: its raw-body parser applies to these routes only (the
 * signature is over the exact bytes Meta sent). The POST handler verifies, stores the delivery in
 * the inbox and answers: processing happens in the worker, so Meta gets its 200 fast and a crash
 * after the answer loses nothing.
 */

export interface MetaWebhookOptions {
  config: Config;
  meta: MetaService;
  metrics: MetricsRegistry;
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes before comparing. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export async function metaWebhookPlugin(app: FastifyInstance, opts: MetaWebhookOptions): Promise<void> {
  const { config, meta, metrics } = opts;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));

  // The worker itself is a job (src/jobs/index.ts); a stored delivery only kicks it.

  app.get(
    '/webhooks/meta',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Verificación del webhook de Meta (hub.challenge)',
        querystring: {
          type: 'object',
          properties: {
            'hub.mode': { type: 'string' },
            'hub.verify_token': { type: 'string' },
            'hub.challenge': { type: 'string', maxLength: 256 },
          },
        },
        response: { 200: { type: 'string' }, 403: errorRef, 503: errorRef },
      },
    },
    async (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      if (!config.META_VERIFY_TOKEN) throw new AppError('WEBHOOK_NOT_CONFIGURED', t('http.webhook_verify_not_configured'), 503);
      const ok = q['hub.mode'] === 'subscribe' && typeof q['hub.verify_token'] === 'string' && sameSecret(q['hub.verify_token'], config.META_VERIFY_TOKEN);
      if (!ok || q['hub.challenge'] === undefined) {
        req.log.warn({ mode: q['hub.mode'] }, 'webhook verification refused');
        throw new ForbiddenError(t('http.webhook_verify_failed'), 'WEBHOOK_VERIFY_FAILED');
      }
      return reply.type('text/plain; charset=utf-8').send(q['hub.challenge']);
    },
  );

  app.post(
    '/webhooks/meta',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Notificaciones de WhatsApp Cloud API (firmadas con X-Hub-Signature-256)',
        headers: { type: 'object', properties: { 'x-hub-signature-256': { type: 'string' } } },
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string', enum: ['stored', 'duplicate', 'ignored'] } },
            required: ['status'],
          },
          400: errorRef,
          401: errorRef,
          403: errorRef,
          413: errorRef,
          503: errorRef,
        },
      },
    },
    async (req) => {
      if (!config.META_APP_SECRET) {
        metrics.webhook('unconfigured');
        throw new AppError('WEBHOOK_NOT_CONFIGURED', t('http.webhook_not_configured'), 503);
      }
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = verifySignature(raw, req.headers['x-hub-signature-256'], config.META_APP_SECRET);
      if (check !== 'ok') {
        metrics.webhook(`signature_${check}`);
        req.log.warn({ check }, 'webhook signature rejected');
        if (check === 'missing') throw new AppError('SIGNATURE_MISSING', t('http.webhook_signature_missing'), 401);
        throw new ForbiddenError(t('http.webhook_signature_invalid'), 'SIGNATURE_INVALID');
      }
      let body: unknown;
      try {
        body = parseWebhookBody(raw);
      } catch (err) {
        metrics.webhook('invalid_json');
        throw new ValidationError(t('http.webhook_invalid_json', { detail: (err as Error).message }), undefined, 'INVALID_JSON');
      }
      const kind = classifyEnvelope(body);
      if (kind.kind === 'ignored') {
        // 200 anyway: an error would make Meta retry the same useless delivery for days.
        metrics.webhook('ignored');
        req.log.debug({ reason: kind.reason }, 'webhook ignored');
        return { status: 'ignored' };
      }
      const { stored } = await meta.inbox.store(dedupeKeyOf(raw), body);
      metrics.webhook(stored ? 'stored' : 'duplicate');
      if (stored) meta.worker.kick();
      return { status: stored ? 'stored' : 'duplicate' };
    },
  );
}
