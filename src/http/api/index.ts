import type { FastifyInstance } from 'fastify';
import { campaignRoutes } from './campaigns.ts';
import { clientRoutes } from './clients.ts';
import { fileRoutes } from './files.ts';
import { archiveRoutes } from './archives.ts';
import type { ApiOptions } from './guards.ts';
import { orderRoutes } from './orders.ts';
import { reportRoutes } from './reports.ts';
import { segmentRoutes } from './segments.ts';
import { templateRoutes } from './templates.ts';

/** Every /api route group, each protected by JWT + one permission. Registered with prefix /api. */
export async function apiPlugin(app: FastifyInstance, options: ApiOptions & { prefix?: string }): Promise<void> {
  // The children inherit the /api prefix from this context; passing it again would double it.
  const { prefix: _prefix, ...opts } = options;
  await app.register(campaignRoutes, opts);
  await app.register(templateRoutes, opts);
  await app.register(segmentRoutes, opts);
  await app.register(clientRoutes, opts);
  await app.register(fileRoutes, opts);
  await app.register(archiveRoutes, opts);
  await app.register(orderRoutes, opts);
  await app.register(reportRoutes, opts);
}
