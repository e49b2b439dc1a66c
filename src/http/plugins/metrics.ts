import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';

const CONNECTED = new Set(['open']);

/**
 * GET /metrics in Prometheus text format. Counters come from services.metrics (incremented at the
 * ingest, outbound and webhook seams); gauges are sampled at scrape time. Not behind JWT so a
 * Prometheus scraper can read it: bind the sidecar to a private interface (HTTP_HOST) in production.
 */
export async function metricsPlugin(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const { services } = opts;
  const m = services.metrics;
  m.gauge('webhook_inbox_pending', 'Webhook deliveries stored and not yet processed.', async () => [
    { value: await services.meta.inbox.pendingCount() },
  ]);
  m.gauge('queue_in_process', 'Tasks queued or running in this process (webhook worker).', () => [{ value: services.meta.worker.size() }]);
  m.gauge('ingest_queue', 'Ingest work waiting in this process, by kind (queued writes, background retries, media downloads).', () => {
    const s = services.ingest.stats();
    return [{ labels: { kind: 'queued' }, value: s.queued }, { labels: { kind: 'retrying' }, value: s.retrying }, { labels: { kind: 'media' }, value: s.media }];
  });
  m.gauge('whatsapp_connected', 'WhatsApp connection state (1 = open), labelled with the status.', () => {
    const s = services.transportState();
    return [{ labels: { status: s.status }, value: CONNECTED.has(s.status) ? 1 : 0 }];
  });
  m.gauge('whatsapp_reconnects', 'Reconnections of the WhatsApp socket since start.', () => [{ value: services.transportState().reconnects }]);
  m.gauge('process_uptime_seconds', 'Seconds since the process started.', () => [{ value: Math.round(process.uptime()) }]);
  m.gauge('process_resident_memory_bytes', 'Resident memory of the process.', () => [{ value: process.memoryUsage().rss }]);

  app.get(
    '/metrics',
    { schema: { tags: ['ops'], summary: 'Métricas en formato Prometheus', response: { 200: { type: 'string' } } } },
    async (_req, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return m.render();
    },
  );
}
