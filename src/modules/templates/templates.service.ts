import type { EntityManager } from '@mikro-orm/sql';
import type { ServiceDeps } from '../../services.ts';
import type { Scheduler } from '../../jobs/scheduler.ts';
import { withEm } from '../../db/orm.ts';
import { text, type OutboundOrigin, type Reply, type SendResult } from '../../transport/types.ts';
import type { AuditService } from '../identity/audit.service.ts';
import type { AppliedTemplateStatus } from '../meta/template-status.ts';
import { MessageTemplate, type IMessageTemplate } from './message-template.entity.ts';
import { TemplateVersion } from './template-version.entity.ts';
import { createAlerts } from './alerts.ts';
import { findByName, loadContent, type LoadedTemplate } from './content.ts';
import { createTemplatesCore, templateNotFound, type Actor } from './template-core.ts';
import { createTemplateGraph, type TemplateGraph } from './template-graph.ts';
import { sendTemplate, usageStats, type SendTemplateInput } from './template-send.ts';
import { createTemplateSync } from './template-sync.ts';
import type { ContentInput } from './options.ts';

export type { Actor } from './template-core.ts';

/**
 * `services.templates`: the one place chat commands, the HTTP API, the webhook processor and the
 * sync job go through for message templates (src/modules/templates/README in the main README:
 * "Message templates"). Templates are cached in-process for up to 6 hours (the PRD's cache), and
 * the cache is dropped on every change — ours, a sync, or a status webhook — so nothing stale
 * is ever sent after an edit.
 */

export interface TemplatesServiceDeps extends ServiceDeps {
  audit(): AuditService | undefined;
  send(to: string, reply: Reply, opts: { origin: OutboundOrigin; campaignId?: string | null }): Promise<SendResult>;
  platform(): 'baileys' | 'meta_cloud' | null;
  uploadMedia(bytes: Buffer, mime: string, fileName: string): Promise<string>;
  reapplyPending?(messageIds: string[]): Promise<unknown>;
  /** Tests: a Graph client with fast retries. */
  graph?: TemplateGraph;
}

export interface TemplateFilter {
  status?: string;
  approval?: string;
  category?: string;
  limit?: number;
  offset?: number;
}

const CACHE_TTL_MS = 6 * 3_600_000;

export function createTemplatesService(deps: TemplatesServiceDeps) {
  const { config, logger, orm, clock } = deps;
  const log = logger.child({ module: 'templates' });
  const graph =
    deps.graph ??
    createTemplateGraph({ baseUrl: config.META_GRAPH_URL, accessToken: config.META_ACCESS_TOKEN, wabaId: config.META_WABA_ID, appId: config.META_APP_ID, logger });
  const cache = new Map<string, { loaded: LoadedTemplate; at: number }>();
  const invalidate = () => cache.clear();
  const alerts = createAlerts({
    orm,
    logger,
    now: () => clock.now(),
    notify: async (phone, message) => {
      await deps.send(phone, text(message), { origin: 'bot' });
    },
  });
  const core = createTemplatesCore({
    ...deps,
    graph,
    alerts,
    invalidate,
    audit: async (em, entry) => {
      await deps.audit()?.record(em, entry);
    },
  });
  const sync = createTemplateSync({ core, graph, alerts, logger, now: () => clock.now(), invalidate });

  async function loadCached(em: EntityManager, name: string): Promise<LoadedTemplate> {
    const key = name.trim().toLowerCase();
    const hit = cache.get(key);
    if (hit && clock.now().getTime() - hit.at < CACHE_TTL_MS) return hit.loaded;
    const tpl = await findByName(em, key);
    if (!tpl) throw templateNotFound(name);
    const loaded = { tpl, content: await loadContent(em, tpl) };
    cache.set(key, { loaded, at: clock.now().getTime() });
    return loaded;
  }

  return {
    graph,
    invalidate,
    cacheSize: () => cache.size,

    async list(em: EntityManager, f: TemplateFilter = {}): Promise<{ items: IMessageTemplate[]; total: number }> {
      const where: Record<string, unknown> = {};
      if (f.status) where.status = f.status;
      if (f.approval) where.approvalStatusMeta = f.approval;
      if (f.category) where.templateCategory = f.category;
      const [items, total] = await em.findAndCount(MessageTemplate, where as never, { orderBy: { templateName: 'asc' }, limit: f.limit ?? 50, offset: f.offset ?? 0 });
      return { items, total };
    },

    /** By id (UUID) or name, with its content and current version number. */
    async get(em: EntityManager, idOrName: string) {
      const byId = /^[0-9a-f-]{36}$/i.test(idOrName) ? await em.findOne(MessageTemplate, { templateId: idOrName } as never) : null;
      const tpl = byId ?? (await findByName(em, idOrName));
      if (!tpl) throw templateNotFound(idOrName);
      const last = await em.findOne(TemplateVersion, { template: tpl.templateId } as never, { orderBy: { versionNumber: 'desc' } });
      return { tpl, content: await loadContent(em, tpl), version: last?.versionNumber ?? 0 };
    },

    create: (em: EntityManager, actor: Actor, name: string, input: ContentInput) => core.create(em, actor, name, input),
    edit: (em: EntityManager, actor: Actor, name: string, input: ContentInput, reason: string | null) => core.edit(em, actor, name, input, reason),
    submit: (em: EntityManager, actor: Actor, name: string) => core.submit(em, actor, name),
    archive: (em: EntityManager, actor: Actor, name: string) => core.archive(em, actor, name),
    history: (em: EntityManager, name: string) => core.history(em, name),
    restore: (em: EntityManager, actor: Actor, name: string, version: number, reason?: string | null) => core.restore(em, actor, name, version, reason),
    sync: (em: EntityManager, actor: Actor | null) => sync.sync(em, actor),

    /** Renders the template for the client and sends it; writes its template_usage_log row. */
    async send(em: EntityManager, name: string, input: SendTemplateInput) {
      return sendTemplate(em, {
        platform: deps.platform,
        send: deps.send,
        uploadMedia: deps.uploadMedia,
        readHeaderBytes: core.readHeaderBytes,
        reapplyPending: deps.reapplyPending,
        now: () => clock.now(),
        timeZone: config.TZ,
      }, await loadCached(em, name), input);
    },

    async usage(em: EntityManager, name: string, from: Date, to: Date) {
      const tpl = await core.mustFind(em, name);
      return { tpl, stats: await usageStats(em, tpl.templateId, from, to) };
    },

    /** The webhook processor's listener (see MetaServiceOptions.onTemplateStatus). */
    statusChanged: (applied: AppliedTemplateStatus[]) => withEm(orm, (em) => sync.statusChanged(em, applied)),

    /** Alerts (pause, disable, expired token) that could not be delivered when they happened. */
    retryAlerts: () => alerts.retryPending(),
    /** The 6-hourly sync and the alert retry, as jobs (listed in src/jobs/index.ts). */
    registerJobs(scheduler: Scheduler): void {
      // Undelivered alerts are retried every minute (a cheap query when there are none).
      scheduler.add('templates.alerts', '* * * * *', async () => void (await alerts.retryPending()), { timezone: config.TZ });
      if (!graph.configured) {
        log.info('template sync not scheduled: META_ACCESS_TOKEN / META_WABA_ID not set');
        return;
      }
      scheduler.add('templates.sync', config.TEMPLATE_SYNC_CRON, () => withEm(orm, async (em) => void (await sync.sync(em, null))), { timezone: config.TZ });
    },
  };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;
