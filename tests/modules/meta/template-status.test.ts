import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, type TestOrm } from '../../helpers/db.ts';
import { applyTemplateStatus, parseTemplateStatus, templateEffect } from '../../../src/modules/meta/template-status.ts';
import { MessageTemplate } from '../../../src/modules/templates/message-template.entity.ts';
import { fork, makeTemplate } from './rows.ts';

let db: TestOrm;
beforeAll(async () => {
  db = await createTestOrm('sqlite');
});
afterAll(() => db.cleanup());

const now = new Date('2026-05-01T12:00:00Z');
const reload = (id: string) => fork(db.orm).findOneOrFail(MessageTemplate, { templateId: id });
const change = (event: string, over: Record<string, unknown> = {}) =>
  parseTemplateStatus({ event, message_template_id: 4242, message_template_name: 'promo_verano', message_template_language: 'es_ES', reason: 'NONE', ...over }, 1_700_000_000)!;

describe('template status effects', () => {
  it('maps Meta events onto status and approval_status_meta', () => {
    expect(templateEffect('APPROVED')).toMatchObject({ status: 'approved', approval: 'approved' });
    expect(templateEffect('REJECTED')).toMatchObject({ status: 'rejected', approval: 'rejected' });
    expect(templateEffect('PAUSED')).toMatchObject({ approval: 'disabled' });
    expect(templateEffect('PAUSED')?.status).toBeUndefined();
    expect(templateEffect('DISABLED')).toMatchObject({ status: 'archived', approval: 'disabled' });
    expect(templateEffect('FLAGGED')).toBeNull();
  });

  it('reads NONE as no reason', () => {
    expect(change('APPROVED').reason).toBeNull();
    expect(change('REJECTED', { reason: 'INCORRECT_CATEGORY' }).reason).toBe('INCORRECT_CATEGORY');
  });
});

describe('applyTemplateStatus', () => {
  it('approves a template found by meta_template_name and records Meta\'s id and the approval date', async () => {
    const tpl = await makeTemplate(fork(db.orm), { metaTemplateName: 'promo_verano' });
    expect(await applyTemplateStatus(fork(db.orm), change('APPROVED'), now)).toBe(1);
    const row = await reload(tpl.templateId);
    expect(row).toMatchObject({ status: 'approved', approvalStatusMeta: 'approved', metaTemplateId: '4242', rejectionReason: null });
    expect(row.approvalDate?.toISOString()).toBe(now.toISOString());
    // Idempotent: the same event again changes nothing.
    expect(await applyTemplateStatus(fork(db.orm), change('APPROVED'), new Date('2026-06-01T00:00:00Z'))).toBe(1);
    expect((await reload(tpl.templateId)).approvalDate?.toISOString()).toBe(now.toISOString());
  });

  it('rejects a template found by meta_template_id with the reason', async () => {
    const tpl = await makeTemplate(fork(db.orm), { metaTemplateId: '777', metaTemplateName: 'otra' });
    await applyTemplateStatus(fork(db.orm), change('REJECTED', { message_template_id: 777, message_template_name: 'otra', reason: 'INVALID_FORMAT' }), now);
    expect(await reload(tpl.templateId)).toMatchObject({ status: 'rejected', approvalStatusMeta: 'rejected', rejectionReason: 'INVALID_FORMAT' });
  });

  it('disables a paused template without losing its lifecycle status', async () => {
    const tpl = await makeTemplate(fork(db.orm), { metaTemplateId: '888', status: 'approved', approvalStatusMeta: 'approved' });
    await applyTemplateStatus(fork(db.orm), change('PAUSED', { message_template_id: 888, message_template_name: 'x', reason: null, other_info: { title: 'FIRST_PAUSE', description: 'Baja calidad' } }), now);
    expect(await reload(tpl.templateId)).toMatchObject({ status: 'approved', approvalStatusMeta: 'disabled', rejectionReason: 'Baja calidad' });
  });

  it('ignores an older event delivered after a newer one', async () => {
    const tpl = await makeTemplate(fork(db.orm), { metaTemplateId: '999' });
    const newer = { ...change('APPROVED', { message_template_id: 999 }), eventTime: 2000 };
    const older = { ...change('PENDING', { message_template_id: 999 }), eventTime: 1000 };
    await applyTemplateStatus(fork(db.orm), newer, now);
    expect(await applyTemplateStatus(fork(db.orm), older, now)).toBe(0);
    expect(await reload(tpl.templateId)).toMatchObject({ status: 'approved', approvalStatusMeta: 'approved' });
  });

  it('returns 0 when no local template matches', async () => {
    expect(await applyTemplateStatus(fork(db.orm), change('APPROVED', { message_template_id: 1, message_template_name: 'solo_en_meta' }), now)).toBe(0);
  });
});
