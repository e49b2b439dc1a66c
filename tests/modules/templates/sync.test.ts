import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEm } from '../../../src/db/orm.ts';
import { MessageTemplate } from '../../../src/modules/templates/message-template.entity.ts';
import { TemplateButton } from '../../../src/modules/templates/template-button.entity.ts';
import { TemplateVariable } from '../../../src/modules/templates/template-variable.entity.ts';
import { TemplateVersion } from '../../../src/modules/templates/template-version.entity.ts';
import { TemplateSyncState } from '../../../src/modules/templates/template-sync-state.entity.ts';
import { AuditLog } from '../../../src/modules/identity/audit-log.entity.ts';
import { envelope, templateStatusChange } from '../../helpers/meta.ts';
import { makeTemplateBench, TEAM, type TemplateBench } from './bench.ts';

/** Meta → us: paged sync with imports, verdicts, pauses and an expired token; status webhooks. */

let b: TemplateBench;
beforeAll(async () => {
  b = await makeTemplateBench();
});
afterAll(() => b.close());

const tpl = (name: string) => withEm(b.h.orm, (em) => em.findOne(MessageTemplate, { templateName: name }));
const statusAudits = () => withEm(b.h.orm, (em) => em.find(AuditLog, { action: 'templates.status' }, { orderBy: { id: 'asc' } }));
const ALERTED = [TEAM.superAdmin, TEAM.superAdmin2];

function metaCreated() {
  b.mock.addTemplate({
    name: 'bienvenida_meta',
    language: 'es_ES',
    category: 'MARKETING',
    status: 'APPROVED',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hola {{1}}', example: { header_text: ['Ana'] } },
      { type: 'BODY', text: 'Gracias por unirte, {{1}}. Tu código es {{2}} y vale hoy.', example: { body_text: [['Ana', 'BIEN10']] } },
      { type: 'FOOTER', text: 'Tienda Ejemplo' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Ver tienda', url: 'https://tienda.es/c/{{1}}', example: ['https://tienda.es/c/BIEN10'] }, { type: 'PHONE_NUMBER', text: 'Llamar', phone_number: '+34600000001' }, { type: 'QUICK_REPLY', text: 'Baja' }] },
    ],
  });
  for (let i = 0; i < 3; i++) b.mock.addTemplate({ name: `util_${i}`, language: 'es', category: 'UTILITY', status: 'PENDING', components: [{ type: 'BODY', text: `Aviso número ${i} para usted.` }] });
  b.mock.addTemplate({ name: 'codigo_meta', language: 'es', category: 'AUTHENTICATION', status: 'REJECTED', rejected_reason: 'INVALID_FORMAT', components: [{ type: 'BODY', text: 'Tu código es {{1}}.', example: { body_text: [['123456']] } }] });
}

describe('/plantilla sincronizar', () => {
  it('reads every page and imports templates created in Meta with components, buttons and variables', async () => {
    metaCreated();
    const before = b.mock.requests.length;
    const out = await b.say(TEAM.manager, '/plantilla sincronizar');
    expect(out).toContain('Sincronización con Meta: 5 plantillas leídas (3 páginas), 5 importadas');
    expect(b.mock.requests.slice(before).filter((r) => r.path.endsWith('/message_templates')).length).toBe(3);
    const row = (await tpl('bienvenida_meta'))!;
    expect(row).toMatchObject({ status: 'approved', approvalStatusMeta: 'approved', templateCategory: 'marketing', languageCode: 'es_ES', headerType: 'text', headerContent: 'Hola {{1}}', footerText: 'Tienda Ejemplo' });
    const [buttons, vars, versions] = await withEm(b.h.orm, (em) =>
      Promise.all([
        em.find(TemplateButton, { template: row.templateId } as never, { orderBy: { buttonOrder: 'asc' } }),
        em.find(TemplateVariable, { template: row.templateId } as never),
        em.find(TemplateVersion, { template: row.templateId } as never),
      ]),
    );
    expect(buttons.map((x) => [x.buttonType, x.buttonValue])).toEqual([['visit_website', 'https://tienda.es/c/{{1}}'], ['call_phone_number', '+34600000001'], ['quick_reply', null]]);
    expect(vars.map((v) => [v.variablePlaceholder, v.exampleValue]).sort()).toEqual([['button.0.{{1}}', 'BIEN10'], ['header.{{1}}', 'Ana'], ['{{1}}', 'Ana'], ['{{2}}', 'BIEN10']]);
    expect(versions.map((v) => [v.versionNumber, v.changeReason])).toEqual([[1, 'importada de Meta']]);
    expect(await tpl('codigo_meta')).toMatchObject({ status: 'rejected', rejectionReason: 'INVALID_FORMAT', templateCategory: 'notification' });
  });

  it('a second sync changes nothing; a rejection with its reason and a category change are applied and audited', async () => {
    expect(await b.say(TEAM.manager, '/plantilla sincronizar')).toContain('0 importadas, 0 actualizadas, 5 sin cambios');
    Object.assign(b.mock.templates.find((x) => x.name === 'util_0')!, { status: 'REJECTED', rejected_reason: 'TAG_CONTENT_MISMATCH' });
    Object.assign(b.mock.templates.find((x) => x.name === 'util_1')!, { status: 'APPROVED', category: 'MARKETING' });
    expect(await b.say(TEAM.manager, '/plantilla sincronizar')).toContain('2 actualizadas');
    expect(await tpl('util_0')).toMatchObject({ status: 'rejected', approvalStatusMeta: 'rejected', rejectionReason: 'TAG_CONTENT_MISMATCH' });
    expect(await tpl('util_1')).toMatchObject({ status: 'approved', templateCategory: 'marketing' });
    const last = (await statusAudits()).slice(-2).map((a) => a.details);
    expect(last).toEqual(expect.arrayContaining([expect.objectContaining({ from: 'pending_approval', to: 'rejected', source: 'sync' }), expect.objectContaining({ to: 'approved', source: 'sync' })]));
    expect(await b.say(TEAM.agent, '/plantilla ver util_0')).toContain('Motivo del rechazo: TAG_CONTENT_MISMATCH');
  });

  it('tells the owner and the super_admins when Meta pauses or disables a template', async () => {
    await b.say(TEAM.manager, '/plantilla crear promo_manager categoria=marketing cuerpo="Descuentos de invierno para ti."');
    await b.say(TEAM.manager, '/plantilla enviar-aprobacion promo_manager');
    b.mock.templates.find((x) => x.name === 'promo_manager')!.status = 'APPROVED';
    await b.say(TEAM.manager, '/plantilla sincronizar');
    const from = b.h.sent.length;
    b.mock.templates.find((x) => x.name === 'promo_manager')!.status = 'PAUSED';
    await b.say(TEAM.superAdmin, '/plantilla sincronizar');
    for (const phone of [TEAM.manager, ...ALERTED]) expect(b.sentTo(phone, from).join('\n')).toContain('Meta ha pausado la plantilla «promo_manager»');
    expect(await tpl('promo_manager')).toMatchObject({ status: 'approved', approvalStatusMeta: 'disabled' });
    // Already paused: the next sync does not alert again.
    const again = b.h.sent.length;
    await b.say(TEAM.superAdmin, '/plantilla sincronizar');
    expect(b.sentTo(TEAM.manager, again).join('')).not.toContain('pausado');
  });

  it('applies status webhooks at once: audited, cache dropped, disable alerted', async () => {
    const row = (await tpl('util_2'))!;
    await b.h.services.templates.send(b.h.orm.em.fork() as never, 'util_2', { to: '34611111111' }).catch(() => undefined);
    const from = b.h.sent.length;
    const body = envelope([templateStatusChange({ event: 'DISABLED', id: row.metaTemplateId!, name: 'util_2', language: 'es', reason: 'Incumple la política' })], { wabaId: '555' });
    await b.h.services.meta.inbox.store(`tpl-${Date.now()}`, body);
    await b.h.services.meta.worker.drain(10_000);
    await b.h.idle();
    expect(await tpl('util_2')).toMatchObject({ status: 'archived', approvalStatusMeta: 'disabled', rejectionReason: 'Incumple la política' });
    expect((await statusAudits()).at(-1)?.details).toMatchObject({ from: 'pending_approval', to: 'archived', approvalTo: 'disabled', source: 'webhook:DISABLED' });
    for (const phone of ALERTED) expect(b.sentTo(phone, from).join('\n')).toContain('Meta ha desactivado la plantilla «util_2» (Incumple la política)');
    expect(b.h.services.templates.cacheSize()).toBe(0);
  });

  it('follows Meta recategorizing a template (template_category_update webhook)', async () => {
    const row = (await tpl('util_2'))!;
    expect(row.templateCategory).not.toBe('marketing');
    const change = { field: 'template_category_update', value: { message_template_id: row.metaTemplateId, message_template_name: 'util_2', message_template_language: 'es', previous_category: 'UTILITY', new_category: 'MARKETING' } };
    await b.h.services.meta.inbox.store(`cat-${Date.now()}`, envelope([change as never], { wabaId: '555' }));
    await b.h.services.meta.worker.drain(10_000);
    expect((await tpl('util_2'))!.templateCategory).toBe('marketing');
  });

  it('archives a template deleted in Meta\'s manager, audits it and says so', async () => {
    b.mock.addTemplate({ name: 'borrada_en_meta', language: 'es', category: 'UTILITY', status: 'APPROVED', components: [{ type: 'BODY', text: 'Aviso que se borrará en Meta.' }] });
    expect(await b.say(TEAM.manager, '/plantilla sincronizar')).toContain('1 importadas');
    b.mock.templates.splice(b.mock.templates.findIndex((x) => x.name === 'borrada_en_meta'), 1);
    expect(await b.say(TEAM.manager, '/plantilla sincronizar')).toContain('1 archivadas porque ya no están en Meta');
    expect(await tpl('borrada_en_meta')).toMatchObject({ status: 'archived', approvalStatusMeta: 'disabled' });
    expect((await statusAudits()).at(-1)).toMatchObject({ target: 'borrada_en_meta', details: expect.objectContaining({ from: 'approved', to: 'archived', source: 'sync' }) });
  });
});

describe('expired token', () => {
  it('alerts the super_admins once (durable marker), again only after it worked and expired again', async () => {
    const from = b.h.sent.length;
    b.mock.rotateToken('nuevo-token');
    expect(await b.say(TEAM.manager, '/plantilla sincronizar')).toContain('El token de acceso de Meta ha caducado');
    await b.say(TEAM.manager, '/plantilla sincronizar');
    await b.say(TEAM.manager, '/plantilla enviar-aprobacion aviso_inexistente').catch(() => undefined);
    for (const phone of ALERTED) expect(b.sentTo(phone, from).filter((x) => x.includes('META_ACCESS_TOKEN'))).toHaveLength(1);
    expect(b.sentTo(TEAM.manager, from).filter((x) => x.startsWith('⚠️ El token'))).toHaveLength(0);
    expect(await withEm(b.h.orm, (em) => em.count(TemplateSyncState, { stateKey: 'token_expired_alerted' } as never))).toBe(1);

    b.mock.rotateToken(b.mock.token);
    expect(await b.say(TEAM.manager, '/plantilla sincronizar')).toContain('Sincronización con Meta');
    expect(await withEm(b.h.orm, (em) => em.count(TemplateSyncState, {}))).toBe(0);
    const second = b.h.sent.length;
    b.mock.rotateToken('otro-mas');
    await b.say(TEAM.manager, '/plantilla sincronizar');
    expect(b.sentTo(TEAM.superAdmin, second).filter((x) => x.includes('META_ACCESS_TOKEN'))).toHaveLength(1);
    b.mock.rotateToken(b.mock.token);
  });

  it('keeps an alert nobody could be told (no transport at the time) and delivers it once WhatsApp is back', async () => {
    const running = b.h.services.transports.all();
    await b.h.services.templates.sync(b.h.orm.em.fork() as never, null); // works: no marker
    b.mock.rotateToken('caducado-otra-vez');
    for (const t of running) b.h.services.transports.remove(t);
    await b.h.services.templates.sync(b.h.orm.em.fork() as never, null).catch(() => undefined);
    // The marker and the undelivered alert are durable rows (a restart here loses nothing).
    const alertsKept = () => withEm(b.h.orm, (em) => em.count(TemplateSyncState, { stateKey: { $like: 'alert:%' } } as never));
    expect(await alertsKept()).toBeGreaterThan(0);
    for (const t of running) b.h.services.transports.add(t);
    const from = b.h.sent.length;
    // Failing again does not alert twice; the retry job delivers what was kept, once.
    await b.h.services.templates.sync(b.h.orm.em.fork() as never, null).catch(() => undefined);
    await b.h.services.templates.retryAlerts();
    await b.h.services.templates.retryAlerts();
    await b.h.idle();
    expect(b.sentTo(TEAM.superAdmin, from).filter((x) => x.includes('META_ACCESS_TOKEN'))).toHaveLength(1);
    expect(await alertsKept()).toBe(0);
    b.mock.rotateToken(b.mock.token);
    await b.h.services.templates.sync(b.h.orm.em.fork() as never, null);
  });

  it('retries Meta throttling during a sync, then answers', async () => {
    b.sleeps.length = 0;
    b.mock.failWith('/v24.0/555/message_templates', 400, { message: '(#130429) Rate limit hit', code: 130429, type: 'OAuthException' }, 2);
    expect(await b.say(TEAM.manager, '/plantilla sincronizar')).toContain('Sincronización con Meta');
    expect(b.sleeps).toHaveLength(2);
  });
});
