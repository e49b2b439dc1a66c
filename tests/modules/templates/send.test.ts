import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEm } from '../../../src/db/orm.ts';
import { MessageTemplate } from '../../../src/modules/templates/message-template.entity.ts';
import { TemplateUsageLog } from '../../../src/modules/templates/template-usage-log.entity.ts';
import { ConversationLog } from '../../../src/modules/messaging/conversation-log.entity.ts';
import { envelope, statusUpdate } from '../../helpers/meta.ts';
import { upsert, wa } from '../../helpers/replay.ts';
import { makeTemplateBench, TEAM, type TemplateBench } from './bench.ts';
import { templatesDepsOf } from '../../../src/services.ts';
import { createTemplatesService } from '../../../src/modules/templates/templates.service.ts';
import { pgAvailable } from '../../helpers/db.ts';
import type { DbKind } from '../../../src/config.ts';

/** Sending templates on both platforms, usage rows moved by receipts, /plantilla uso, media headers. */

let b: TemplateBench;
/** SQLite always; PostgreSQL too when a server answers (usage counts and receipts are SQL). */
const kinds: DbKind[] = ['sqlite', ...((await pgAvailable()) ? (['postgresql'] as const) : [])];

describe.each(kinds)('templates on %s', (kind) => {
  beforeAll(async () => {
    b = await makeTemplateBench(kind);
    await b.say(TEAM.manager, '/plantilla crear pedido_listo categoria=transactional idioma=es_ES encabezado="Pedido {{1}}" ejemplo_encabezado=A-1 cuerpo="Hola {{nombre}}, tu pedido {{pedido}} está listo para recoger." ejemplo_nombre=Ana ejemplo_pedido=A-1 pie="Tienda Ejemplo" boton=respuesta:Voy boton2="web:Ver:https://tienda.es/p/{{1}}" ejemplo_boton2=A-1');
  });
  afterAll(() => b.close());

  const usage = () => withEm(b.h.orm, (em) => em.find(TemplateUsageLog, {}, { orderBy: { createdAt: 'asc' }, populate: ['cliente'] as never }));
  const CLIENT = '34612345678';

  async function metaWebhook(value: Record<string, unknown>) {
    await b.h.services.meta.inbox.store(`st-${Math.random()}`, envelope([{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '34900000000', phone_number_id: '111' }, ...value } }], { wabaId: '555' }));
    await b.h.services.meta.worker.drain(10_000);
    await b.h.services.ingest.drain();
  }

  describe('/plantilla probar on Baileys', () => {
    it('sends the rendered text (header, body, footer, numbered buttons, link) and writes a usage row with the message id', async () => {
      const out = await b.say(TEAM.manager, `/plantilla probar pedido_listo +${CLIENT} nombre=Luis pedido=P-9 encabezado=P-9 boton2=P-9`);
      expect(out).toMatch(/Prueba de «pedido_listo» enviada a \+34612345678 \(mensaje \S+\)/);
      expect(b.sentTo(CLIENT).at(-1)).toBe('*Pedido P-9*\n\nHola Luis, tu pedido P-9 está listo para recoger.\n\n_Tienda Ejemplo_\n\n1. Voy\n2. Ver: https://tienda.es/p/P-9');
      const [row] = await usage();
      const sent = b.h.sent.filter((r) => r.to.startsWith(CLIENT)).at(-1)!;
      expect(row).toMatchObject({ messageId: sent.messageId, status: 'sent' });
      expect((row!.cliente as { phoneNumber: string }).phoneNumber).toBe(CLIENT);
    });

    it('Baileys receipts move the usage row forward only (sent → delivered → read)', async () => {
      const sent = b.h.sent.filter((r) => r.to.startsWith(CLIENT)).at(-1)!;
      const update = (s: number) => b.h.feed({ type: 'messages.update', data: [{ key: { remoteJid: sent.to, fromMe: true, id: sent.messageId }, update: { status: s } }] });
      const status = async () => (await usage()).find((u) => u.messageId === sent.messageId)!.status;
      // Baileys statuses: 3 = delivered, 4 = read; a late "delivered" never undoes "read".
      for (const [code, want] of [[3, 'delivered'], [4, 'read'], [3, 'read']] as const) {
        await update(code);
        expect(await status()).toBe(want);
      }
      // Back to `sent` for the usage figures below (they count this send as sent only).
      await withEm(b.h.orm, (em) => em.nativeUpdate(TemplateUsageLog, { messageId: sent.messageId } as never, { status: 'sent' } as never));
    });

    it('a receipt that arrives before the usage row is written still moves it (early-receipt store)', async () => {
      await b.say(TEAM.manager, '/plantilla crear aviso_carrera categoria=transactional cuerpo="Tu pedido ya está en reparto hoy."');
      const deps = templatesDepsOf(b.h.services);
      // The receipt lands between the transport taking the message and sendTemplate writing its row.
      const racing = createTemplatesService({
        ...deps,
        graph: b.h.services.templates.graph,
        send: async (to, reply, opts) => {
          const res = await deps.send(to, reply, opts);
          await b.h.feed({ type: 'messages.update', data: [{ key: { remoteJid: `${to}@s.whatsapp.net`, fromMe: true, id: res.messageId }, update: { status: 3 } }] });
          await b.h.services.ingest.drain();
          expect((await usage()).some((u) => u.messageId === res.messageId)).toBe(false);
          return res;
        },
      });
      const res = await racing.send(b.h.orm.em.fork() as never, 'aviso_carrera', { to: CLIENT });
      expect((await usage()).find((u) => u.messageId === res.messageId)?.status).toBe('delivered');
      await withEm(b.h.orm, (em) => em.nativeDelete(TemplateUsageLog, { messageId: res.messageId } as never));
    });

    it('never sends a cached old text after an edit', async () => {
      await b.say(TEAM.manager, `/plantilla probar pedido_listo +${CLIENT} nombre=Luis pedido=P-9 encabezado=P-9 boton2=P-9`);
      await b.say(TEAM.manager, '/plantilla editar pedido_listo pie="Tienda Centro" motivo="nueva tienda"');
      await b.say(TEAM.manager, `/plantilla probar pedido_listo +${CLIENT} nombre=Luis pedido=P-9 encabezado=P-9 boton2=P-9`);
      expect(b.sentTo(CLIENT).at(-1)).toContain('_Tienda Centro_');
      await b.say(TEAM.manager, '/plantilla restaurar pedido_listo 1');
      const rows = await usage();
      await withEm(b.h.orm, (em) => em.nativeDelete(TemplateUsageLog, { usageId: { $in: rows.slice(1).map((r) => r.usageId) } } as never));
    });

    it('refuses a send with required values missing, naming them, and sends nothing', async () => {
      const before = b.h.sent.length;
      const out = await b.say(TEAM.manager, `/plantilla probar pedido_listo +${CLIENT} nombre=Luis`);
      expect(out).toContain('Faltan valores obligatorios para enviar «pedido_listo»: header.{{1}}, {{2}} (pedido), button.1.{{1}}.');
      expect(b.sentTo(CLIENT, before)).toEqual([]);
      expect(await b.say(TEAM.manager, '/plantilla probar pedido_listo 12')).toContain('no es un teléfono válido');
      expect(await b.say(TEAM.manager, '/plantilla probar no_existe +34600000001')).toContain('No existe ninguna plantilla llamada «no_existe»');
      expect(await usage()).toHaveLength(1);
    });
  });

  describe('sending through the Cloud API', () => {
    it('only sends approved templates, as a template message with components; Meta receipts move the usage row', () => b.withCloudApi(async () => {
      const em = () => b.h.orm.em.fork() as never;
      await expect(b.h.services.templates.send(em(), 'pedido_listo', { to: CLIENT, values: { nombre: 'Luis', pedido: 'P-1', encabezado: 'P-1', boton2: 'P-1' } })).rejects.toThrow(/Solo se envían plantillas aprobadas/);
      await b.say(TEAM.manager, '/plantilla enviar-aprobacion pedido_listo');
      b.mock.templates.find((x) => x.name === 'pedido_listo')!.status = 'APPROVED';
      await b.h.services.templates.sync(em(), null);

      const res = await b.h.services.templates.send(em(), 'pedido_listo', { to: CLIENT, values: { nombre: 'Luis', pedido: 'P-1', encabezado: 'P-1', boton2: 'P-1' } });
      const call = b.mock.requests.filter((r) => r.path.endsWith('/111/messages')).at(-1)!;
      expect(JSON.parse(call.body)).toMatchObject({
        to: CLIENT,
        type: 'template',
        template: {
          name: 'pedido_listo',
          language: { code: 'es_ES' },
          components: [
            { type: 'header', parameters: [{ type: 'text', text: 'P-1' }] },
            { type: 'body', parameters: [{ type: 'text', text: 'Luis' }, { type: 'text', text: 'P-1' }] },
            { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'Voy' }] },
            { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'P-1' }] },
          ],
        },
      });
      const row = (await usage()).find((u) => u.messageId === res.messageId)!;
      expect(row.status).toBe('sent');

      await metaWebhook({ statuses: [statusUpdate({ id: res.messageId, status: 'delivered', recipient: CLIENT })] });
      expect((await usage()).find((u) => u.messageId === res.messageId)!.status).toBe('delivered');
      await metaWebhook({ statuses: [statusUpdate({ id: res.messageId, status: 'read', recipient: CLIENT })] });
      expect((await usage()).find((u) => u.messageId === res.messageId)!.status).toBe('read');

      const failed = await b.h.services.templates.send(em(), 'pedido_listo', { to: '34612345679', values: { nombre: 'Eva', pedido: 'P-2', encabezado: 'P-2', boton2: 'P-2' } });
      await metaWebhook({ statuses: [statusUpdate({ id: failed.messageId, status: 'failed', recipient: '34612345679', error: { code: 131026, title: 'Message undeliverable' } })] });
      expect((await usage()).find((u) => u.messageId === failed.messageId)!.status).toBe('failed');
      expect((await withEm(b.h.orm, (e) => e.findOne(ConversationLog, { messageId: failed.messageId })))?.failureReason).toBe('131026: Message undeliverable');
    }));

    it('/plantilla uso: sends, delivery and read rates, failures by reason', async () => {
      const out = await b.say(TEAM.agent, '/plantilla uso pedido_listo');
      expect(out).toContain('*Uso de pedido_listo*');
      expect(out).toContain('Envíos: 3');
      expect(out).toContain('Entregados: 1 (33,3 %)');
      expect(out).toContain('Leídos: 1 (33,3 %)');
      expect(out).toContain('Fallidos: 1\n  • 131026: Message undeliverable: 1');
      expect(await b.say(TEAM.agent, '/plantilla uso pedido_listo 2020-01-01 2020-01-31')).toContain('Envíos: 0');
      expect(await b.say(TEAM.agent, '/plantilla uso pedido_listo 2026-02-30')).toContain('no es una fecha válida');
      expect(await b.say(TEAM.agent, '/plantilla uso pedido_listo 2026-11-20 2026-11-01')).toContain('«desde» debe ser anterior a «hasta»');
      // `hasta` as a day word counts the whole day, like a date does.
      expect(await b.say(TEAM.agent, '/plantilla uso pedido_listo hoy hoy')).toContain('Envíos: 3');
      expect(await b.say(TEAM.agent, '/plantilla uso pedido_listo ayer ayer')).toContain('Envíos: 0');
    });
  });

  describe('media headers', () => {
    it('takes the last file the admin sent in this chat (encabezado_archivo=ultimo)', async () => {
      expect(await b.say(TEAM.superAdmin, '/plantilla crear foto_x categoria=marketing encabezado_tipo=imagen encabezado_archivo=ultimo cuerpo="Mira esto hoy."')).toContain('No has enviado ningún archivo');
      await b.h.feed(upsert([wa({ phone: TEAM.manager, id: 'IMG-TPL-1', mediaFile: 'pixel.png', message: { imageMessage: { mimetype: 'image/png' } } })]));
      await b.h.idle();
      expect(await b.say(TEAM.manager, '/plantilla crear foto_oferta categoria=marketing encabezado_tipo=imagen encabezado_archivo=ultimo cuerpo="Mira la foto de la oferta de hoy."')).toContain('creada');
      const row = await withEm(b.h.orm, (em) => em.findOne(MessageTemplate, { templateName: 'foto_oferta' }));
      expect(row).toMatchObject({ headerType: 'image', headerContent: expect.stringMatching(/^clients\/client_\d+\/media\/images\/[0-9a-f]{64}\.png$/) });
    });

    it('uploads the example file with the resumable upload on submit, and sends it by media id', async () => {
      const dir = join(b.h.config.STORAGE_DIR, 'plantillas');
      mkdirSync(dir, { recursive: true });
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      writeFileSync(join(dir, 'oferta.png'), png);
      expect(await b.say(TEAM.manager, '/plantilla crear oferta_img categoria=marketing encabezado_tipo=imagen encabezado_archivo=../../etc/passwd.png cuerpo="Mira nuestra oferta, {{1}}." ejemplo1=Ana')).toContain('debe estar dentro del almacenamiento');
      expect(await b.say(TEAM.manager, '/plantilla crear oferta_img categoria=marketing encabezado_tipo=imagen encabezado_archivo=plantillas/oferta.txt cuerpo="Mira nuestra oferta, {{1}}." ejemplo1=Ana')).toContain('no es válido para un encabezado de tipo image');
      expect(await b.say(TEAM.manager, '/plantilla crear oferta_img categoria=marketing encabezado_tipo=imagen encabezado_archivo=plantillas/oferta.png cuerpo="Mira nuestra oferta, {{1}}." ejemplo1=Ana')).toContain('creada');
      await b.say(TEAM.manager, '/plantilla enviar-aprobacion oferta_img');
      const remote = b.mock.templates.find((x) => x.name === 'oferta_img')!;
      const header = (remote.components as Array<{ type: string; example?: { header_handle: string[] } }>).find((c) => c.type === 'HEADER')!;
      expect(header).toMatchObject({ format: 'IMAGE' });
      expect(b.mock.uploads.get(header.example!.header_handle[0]!)?.bytes.equals(png)).toBe(true);

      remote.status = 'APPROVED';
      await b.h.services.templates.sync(b.h.orm.em.fork() as never, null);
      await b.withCloudApi(() => b.h.services.templates.send(b.h.orm.em.fork() as never, 'oferta_img', { to: CLIENT, values: { 1: 'Ana' } }));
      const call = JSON.parse(b.mock.requests.filter((r) => r.path.endsWith('/111/messages')).at(-1)!.body);
      expect(call.template.components[0]).toEqual({ type: 'header', parameters: [{ type: 'image', image: { id: expect.stringMatching(/^up_/) } }] });
      expect(await withEm(b.h.orm, (em) => em.findOne(MessageTemplate, { templateName: 'oferta_img' }))).toMatchObject({ headerType: 'image', headerContent: 'plantillas/oferta.png' });
    });
  });

});
