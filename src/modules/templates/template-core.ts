import type { EntityManager } from '@mikro-orm/sql';
import type { ServiceDeps, AuditEntry } from '../../services.ts';
import { withEm } from '../../db/orm.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import { MessageTemplate, type IMessageTemplate } from './message-template.entity.ts';
import { TemplateVersion } from './template-version.entity.ts';
import { parseCategory, toMetaCategory, type PrdCategory } from './category.ts';
import { toMetaComponents } from './components.ts';
import { applyContentToRow, EMPTY_CONTENT, findByName, loadContent, mergeContent, snapshotFromVersion, snapshotOf, writeChildren } from './content.ts';
import { diffVersions, sameContent, type VersionSnapshot } from './diff.ts';
import { MetaTemplateError } from './meta-errors.ts';
import { staffKeyOf, type TemplateContent } from './model.ts';
import type { ContentInput } from './options.ts';
import type { TemplateGraph } from './template-graph.ts';
import { validateTemplate } from './validate.ts';
import type { Alerts } from './alerts.ts';
import { createHeaderMedia } from './media-header.ts';

/**
 * The templates module's core: authoring with Meta's rules, versions (every change to header,
 * body, footer or buttons is a new `template_versions` row; restore is a new version too), Meta
 * submission/edit/delete. Sync, status changes and alerts are in template-sync.ts; sending and
 * usage in template-send.ts. Every write drops the in-process cache.
 */

import type { Actor } from '../identity/audit.service.ts';
export type { Actor };

export interface CoreDeps extends ServiceDeps {
  graph: TemplateGraph;
  alerts: Alerts;
  audit(em: EntityManager, entry: AuditEntry): Promise<void>;
  invalidate(): void;
}

export function templateNotFound(name: string) {
  return new NotFoundError(t('templates.not_found', { name: name.slice(0, 60) }), 'TEMPLATE_NOT_FOUND');
}

function invalid(violations: ReturnType<typeof validateTemplate>) {
  return new ValidationError(
    t('templates.invalid_summary', { rules: violations.map((v) => `• ${v.message}`).join('\n') }),
    { rules: violations.map((v) => v.rule) },
    'TEMPLATE_INVALID',
  );
}

export function createTemplatesCore(deps: CoreDeps) {
  /** Graph API calls: an expired token alerts once; a working call clears that marker. */
  async function meta<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const out = await fn();
      await deps.alerts.tokenWorks();
      return out;
    } catch (err) {
      if (err instanceof MetaTemplateError && err.kind === 'token') await deps.alerts.tokenExpired();
      throw err;
    }
  }

  async function mustFind(em: EntityManager, name: string): Promise<IMessageTemplate> {
    const tpl = await findByName(em, name);
    if (!tpl) throw templateNotFound(name);
    return tpl;
  }

  const media = createHeaderMedia(deps.config);
  const resolveHeaderFile = (em: EntityManager, actor: Actor, spec: string | undefined, headerType: string) => media.resolve(em, actor.userId, spec, headerType);
  const readHeaderBytes = media.read;

  async function nextVersion(em: EntityManager, tpl: IMessageTemplate): Promise<number> {
    const last = await em.findOne(TemplateVersion, { template: tpl.templateId } as never, { orderBy: { versionNumber: 'desc' } });
    return (last?.versionNumber ?? 0) + 1;
  }

  function writeVersion(em: EntityManager, tpl: IMessageTemplate, n: number, c: TemplateContent, actor: Actor, reason: string | null) {
    em.create(TemplateVersion, {
      template: tpl,
      versionNumber: n,
      bodyText: c.body,
      headerContent: c.header,
      footerText: c.footer,
      changedByUser: actor.userId,
      changeReason: reason,
      snapshot: snapshotOf(c),
      createdAt: deps.clock.now(),
    } as never);
  }

  /** Uploads a media header example (resumable upload) and builds Meta's component list. */
  async function metaComponents(c: TemplateContent) {
    let handle: string | null = null;
    if (c.headerType !== 'none' && c.headerType !== 'text' && c.header) {
      const { bytes, mime, fileName } = await readHeaderBytes(c.header);
      handle = await meta(() => deps.graph.uploadExample(bytes, mime, fileName));
    }
    return toMetaComponents(c, handle);
  }

  async function statusAudit(em: EntityManager, actor: Actor, tpl: IMessageTemplate, before: { status: string; approval: string }, source: string) {
    if (before.status === tpl.status && before.approval === tpl.approvalStatusMeta) return;
    await deps.audit(em, {
      actorId: actor.userId, actorPhone: actor.phone, channel: actor.channel, action: 'templates.status', target: tpl.templateName, outcome: 'success',
      details: { from: before.status, to: tpl.status, approvalFrom: before.approval, approvalTo: tpl.approvalStatusMeta, source },
    });
  }

  return {
    meta,
    mustFind,
    readHeaderBytes,
    statusAudit,

    async create(em: EntityManager, actor: Actor, name: string, input: ContentInput): Promise<IMessageTemplate> {
      const cleanName = name.trim();
      const category = input.category ?? '';
      const language = input.language ?? 'es';
      const headerMedia = await resolveHeaderFile(em, actor, input.headerFile, input.headerType ?? 'text');
      const content = mergeContent(EMPTY_CONTENT, input, headerMedia);
      const violations = validateTemplate({ ...content, name: cleanName, category, language });
      if (violations.length) throw invalid(violations);
      if (await findByName(em, cleanName)) throw new ConflictError(t('templates.exists', { name: cleanName }), 'TEMPLATE_EXISTS');
      if (!actor.userId) throw new AppError('TEMPLATE_NO_OWNER', t('common.forbidden'), 403);
      const tpl = em.create(MessageTemplate, {
        templateName: cleanName,
        templateCategory: parseCategory(category)!,
        languageCode: language,
        bodyText: content.body,
        createdByUser: actor.userId,
        status: 'draft',
        approvalStatusMeta: 'pending',
      } as never) as IMessageTemplate;
      applyContentToRow(tpl, content);
      await writeChildren(em, tpl, content);
      writeVersion(em, tpl, 1, content, actor, 'creación');
      await em.flush();
      deps.invalidate();
      await deps.audit(em, { actorId: actor.userId, actorPhone: actor.phone, channel: actor.channel, action: 'templates.create', target: cleanName, outcome: 'success', details: { category, language } });
      return tpl;
    },

    /**
     * Applies an edit: validated first; a template Meta already has gets the change sent to Meta
     * (and goes back to review) before anything is saved, so a refused edit leaves no trace.
     */
    async edit(em: EntityManager, actor: Actor, name: string, input: ContentInput, reason: string | null, opts: { restoredFrom?: number } = {}) {
      const tpl = await mustFind(em, name);
      if (tpl.status === 'archived') throw new ValidationError(t('templates.archived', { name: tpl.templateName }), undefined, 'TEMPLATE_ARCHIVED');
      const prev = await loadContent(em, tpl);
      const headerMedia = await resolveHeaderFile(em, actor, input.headerFile, input.headerType ?? prev.headerType);
      const content = mergeContent(prev, input, headerMedia);
      const category = input.category ?? tpl.templateCategory;
      const language = input.language ?? tpl.languageCode;
      const violations = validateTemplate({ ...content, name: tpl.templateName, category, language });
      if (violations.length) throw invalid(violations);
      const changed = !sameContent(snapshotOf(prev), snapshotOf(content));
      const varsChanged = JSON.stringify(prev.variables) !== JSON.stringify(content.variables);
      const newCategory = parseCategory(category)!;
      const categoryChanged = newCategory !== tpl.templateCategory;
      if (!changed && !varsChanged && !categoryChanged && language === tpl.languageCode) {
        throw new ValidationError(opts.restoredFrom ? t('templates.version_same', { version: opts.restoredFrom }) : t('templates.nothing_to_change'), undefined, 'TEMPLATE_NO_CHANGE');
      }
      if (language !== tpl.languageCode && tpl.metaTemplateId) {
        throw new ValidationError(t('templates.already_submitted', { name: tpl.templateName, status: tpl.status }), undefined, 'TEMPLATE_LANGUAGE_LOCKED');
      }
      const before = { status: tpl.status, approval: tpl.approvalStatusMeta };
      let resubmitted = false;
      if (tpl.metaTemplateId && (changed || varsChanged || categoryChanged)) {
        const components = await metaComponents(content);
        await meta(() => deps.graph.edit(tpl.metaTemplateId!, { components, ...(categoryChanged ? { category: toMetaCategory(newCategory) } : {}) }));
        tpl.status = 'pending_approval';
        tpl.approvalStatusMeta = 'pending';
        tpl.rejectionReason = null;
        resubmitted = true;
      }
      applyContentToRow(tpl, content);
      tpl.templateCategory = newCategory as PrdCategory;
      tpl.languageCode = language;
      await writeChildren(em, tpl, content);
      let version: number | null = null;
      if (changed) {
        version = await nextVersion(em, tpl);
        writeVersion(em, tpl, version, content, actor, reason);
      }
      await em.flush();
      deps.invalidate();
      await deps.audit(em, {
        actorId: actor.userId, actorPhone: actor.phone, channel: actor.channel, action: opts.restoredFrom ? 'templates.restore' : 'templates.edit',
        target: tpl.templateName, outcome: 'success', details: { version, reason, resubmitted, ...(opts.restoredFrom ? { restoredFrom: opts.restoredFrom } : {}) },
      });
      await statusAudit(em, actor, tpl, before, 'edit');
      return { tpl, version: version ?? (await nextVersion(em, tpl)) - 1, resubmitted };
    },

    async submit(em: EntityManager, actor: Actor, name: string): Promise<IMessageTemplate> {
      const tpl = await mustFind(em, name);
      if (tpl.status === 'archived') throw new ValidationError(t('templates.archived', { name: tpl.templateName }), undefined, 'TEMPLATE_ARCHIVED');
      if (tpl.metaTemplateId) throw new ConflictError(t('templates.already_submitted', { name: tpl.templateName, status: tpl.status }), 'TEMPLATE_ALREADY_SUBMITTED');
      const content = await loadContent(em, tpl);
      const violations = validateTemplate({ ...content, name: tpl.templateName, category: tpl.templateCategory, language: tpl.languageCode });
      if (violations.length) throw invalid(violations);
      const components = await metaComponents(content);
      const res = await meta(() =>
        deps.graph.create({ name: tpl.templateName, language: tpl.languageCode, category: toMetaCategory(tpl.templateCategory as PrdCategory), components }),
      );
      const before = { status: tpl.status, approval: tpl.approvalStatusMeta };
      tpl.metaTemplateId = res.id;
      tpl.metaTemplateName = tpl.templateName;
      const verdict = res.status.toUpperCase();
      tpl.status = verdict === 'APPROVED' ? 'approved' : verdict === 'REJECTED' ? 'rejected' : 'pending_approval';
      tpl.approvalStatusMeta = verdict === 'APPROVED' ? 'approved' : verdict === 'REJECTED' ? 'rejected' : 'pending';
      if (verdict === 'APPROVED') tpl.approvalDate = deps.clock.now();
      await em.flush();
      deps.invalidate();
      await deps.audit(em, { actorId: actor.userId, actorPhone: actor.phone, channel: actor.channel, action: 'templates.submit', target: tpl.templateName, outcome: 'success', details: { metaTemplateId: res.id, status: res.status } });
      await statusAudit(em, actor, tpl, before, 'submit');
      return tpl;
    },

    async archive(em: EntityManager, actor: Actor, name: string): Promise<{ tpl: IMessageTemplate; deletedInMeta: boolean }> {
      const tpl = await mustFind(em, name);
      if (tpl.status === 'archived') throw new ValidationError(t('templates.archived', { name: tpl.templateName }), undefined, 'TEMPLATE_ARCHIVED');
      let deletedInMeta = false;
      if (tpl.metaTemplateId) {
        try {
          await meta(() => deps.graph.remove(tpl.metaTemplateName ?? tpl.templateName, tpl.metaTemplateId));
          deletedInMeta = true;
        } catch (err) {
          // Already gone in Meta's manager: archiving here is all that is left to do.
          if (!(err instanceof MetaTemplateError && err.kind === 'not_found')) throw err;
        }
      }
      const before = { status: tpl.status, approval: tpl.approvalStatusMeta };
      tpl.status = 'archived';
      if (tpl.metaTemplateId) tpl.approvalStatusMeta = 'disabled';
      await em.flush();
      deps.invalidate();
      await deps.audit(em, { actorId: actor.userId, actorPhone: actor.phone, channel: actor.channel, action: 'templates.archive', target: tpl.templateName, outcome: 'success', details: { deletedInMeta } });
      await statusAudit(em, actor, tpl, before, 'archive');
      return { tpl, deletedInMeta };
    },

    async history(em: EntityManager, name: string) {
      const tpl = await mustFind(em, name);
      const versions = await em.find(TemplateVersion, { template: tpl.templateId } as never, { orderBy: { versionNumber: 'asc' }, populate: ['changedByUser'] as never });
      let prev: VersionSnapshot | null = null;
      return {
        tpl,
        versions: versions.map((v) => {
          const snap = snapshotFromVersion(v);
          const diff = prev ? diffVersions(prev, snap) : null;
          prev = snap;
          return { version: v.versionNumber ?? 0, at: v.createdAt, who: (v.changedByUser as { phoneNumber?: string; nombre?: string | null } | null) ?? null, reason: v.changeReason ?? null, diff };
        }),
      };
    },

    async restore(em: EntityManager, actor: Actor, name: string, versionNumber: number, reason?: string | null) {
      const tpl = await mustFind(em, name);
      const v = await em.findOne(TemplateVersion, { template: tpl.templateId, versionNumber } as never);
      if (!v) throw new NotFoundError(t('templates.version_not_found', { name: tpl.templateName, version: versionNumber }), 'TEMPLATE_VERSION_NOT_FOUND');
      const snap = snapshotFromVersion(v) as VersionSnapshot & { variables?: TemplateContent['variables'] };
      const vars = Object.fromEntries((snap.variables ?? []).map((x) => [staffKeyOf(x), { type: x.type, required: x.required, example: x.example ?? undefined }]));
      const input: ContentInput = {
        headerType: snap.headerType as ContentInput['headerType'],
        header: snap.headerType === 'text' ? snap.header : undefined,
        body: snap.body,
        footer: snap.footer,
        buttons: snap.buttons,
        variables: vars,
      };
      // A media header is restored as it was (the stored path or link).
      const res = await this.edit(em, actor, name, snap.headerType !== 'text' && snap.headerType !== 'none' ? { ...input, headerFile: snap.header ?? undefined } : input,
        reason?.trim() || `restaurada la versión ${versionNumber}`, { restoredFrom: versionNumber });
      return { ...res, from: versionNumber };
    },

    /** Owner of imported templates when nobody ran the sync: the oldest active super_admin. */
    async systemOwner(em: EntityManager): Promise<number | null> {
      const u = await em.findOne(Usuario, { role: { roleName: 'super_admin' }, isActive: true } as never, { orderBy: { id: 'asc' } });
      return u?.id ?? null;
    },
    writeVersion,
    withEm: <T>(fn: (em: EntityManager) => Promise<T>) => withEm(deps.orm, fn),
  };
}

export type TemplatesCore = ReturnType<typeof createTemplatesCore>;
