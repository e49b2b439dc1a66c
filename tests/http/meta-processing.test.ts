import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationLog } from '../../src/modules/messaging/conversation-log.entity.ts';
import { ClientFileStorage } from '../../src/modules/files/client-file-storage.entity.ts';
import { Usuario } from '../../src/modules/identity/usuario.entity.ts';
import { CampaignRecipientLog } from '../../src/modules/campaigns/campaign-recipient-log.entity.ts';
import { TemplateUsageLog } from '../../src/modules/templates/template-usage-log.entity.ts';
import { MessageTemplate } from '../../src/modules/templates/message-template.entity.ts';
import { WebhookInbox } from '../../src/modules/meta/webhook-inbox.entity.ts';
import {
  buttonReply, envelope, imageMessage, locationMessage, messagesChange, multiEntry, reaction, sign, statusUpdate, templateButton,
  templateStatusChange, textMessage, TEST_PHONE_NUMBER_ID,
} from '../helpers/meta.ts';
import { startMockGraph, type MockGraph } from '../helpers/mock-graph.ts';
import { fork, makeOutboundSend, makeTemplate } from '../modules/meta/rows.ts';
import { startTestServer, type TestServer } from './setup.ts';

/**
 * Real-shaped Meta deliveries through the whole path: signed POST → inbox → worker → mapping →
 * ingest (the same pipeline as Baileys) → rows and files; media downloaded from a mock Graph API
 * on 127.0.0.1.
 */

let srv: TestServer;
let graph: MockGraph;
beforeAll(async () => {
  graph = await startMockGraph();
  srv = await startTestServer({ env: { META_GRAPH_URL: graph.baseUrl, META_ACCESS_TOKEN: graph.token } });
});
afterAll(async () => {
  await srv.close();
  await graph.close();
});

async function deliver(body: unknown): Promise<string> {
  const { payload, headers } = sign(body);
  const res = await srv.app.inject({ method: 'POST', url: '/webhooks/meta', payload, headers });
  expect(res.statusCode).toBe(200);
  return (res.json() as { status: string }).status;
}

async function settle(): Promise<void> {
  await srv.services.meta.worker.drain(10_000);
  await srv.services.ingest.drain();
}

const conv = (messageId: string) => fork(srv.orm).findOne(ConversationLog, { messageId });

describe('inbound Cloud API messages', () => {
  it('logs a text message with the client created from the contact profile, as platform meta_cloud', async () => {
    expect(await deliver(envelope([messagesChange({
      contacts: [{ wa_id: '34611000001', name: 'Lucía Pérez' }],
      messages: [textMessage({ from: '34611000001', id: 'wamid.TXT1', body: 'Hola, ¿tenéis talla M?' })],
    })]))).toBe('stored');
    await settle();
    const row = await conv('wamid.TXT1');
    expect(row).toMatchObject({ from: '34611000001', body: 'Hola, ¿tenéis talla M?', messageType: 'text', messageDirection: 'inbound', origin: 'customer', platformOrigin: 'meta_cloud' });
    const user = await fork(srv.orm).findOneOrFail(Usuario, { phoneNumber: '34611000001' });
    expect(user.nombre).toBe('Lucía Pérez');
    expect((row!.cliente as { id: number }).id).toBe(user.id);
    const inbox = await fork(srv.orm).find(WebhookInbox, {});
    expect(inbox.every((r) => r.status === 'done')).toBe(true);
  });

  it('downloads an image through the Graph media endpoint into the client folder with its SHA-256', async () => {
    const bytes = Buffer.from(`\xff\xd8\xff\xe0 fake jpeg ${'x'.repeat(5000)}`, 'latin1');
    const sha = graph.addMedia('MEDIA_IMG_1', bytes, 'image/jpeg');
    await deliver(envelope([messagesChange({
      contacts: [{ wa_id: '34611000002', name: 'Marta' }],
      messages: [imageMessage({ from: '34611000002', id: 'wamid.IMG1', mediaId: 'MEDIA_IMG_1', sha256: sha, caption: 'así la quiero' })],
    })]));
    await settle();
    expect(await conv('wamid.IMG1')).toMatchObject({ messageType: 'image', body: 'así la quiero' });
    const file = await fork(srv.orm).findOneOrFail(ClientFileStorage, { messageId: 'wamid.IMG1' });
    expect(file).toMatchObject({ downloadStatus: 'ok', fileType: 'image', mimeType: 'image/jpeg', checksumSha256: sha, fileSize: bytes.length });
    const user = await fork(srv.orm).findOneOrFail(Usuario, { phoneNumber: '34611000002' });
    expect(file.filePath.startsWith(`clients/client_${user.id}/`)).toBe(true);
    const onDisk = await readFile(join(srv.config.STORAGE_DIR, file.filePath));
    expect(createHash('sha256').update(onDisk).digest('hex')).toBe(sha);
    const calls = graph.requests.filter((r) => r.path.includes('MEDIA_IMG_1'));
    expect(calls.every((c) => c.auth === `Bearer ${graph.token}`)).toBe(true);
  });

  it('logs interactive button replies, template buttons, reactions and locations with their data', async () => {
    await deliver(envelope([messagesChange({
      contacts: [{ wa_id: '34611000003', name: 'Pablo' }],
      messages: [
        buttonReply({ from: '34611000003', id: 'wamid.BTN1', replyId: 'confirmar_cita', title: 'Confirmar' }),
        templateButton({ from: '34611000003', id: 'wamid.TBTN1', payload: 'BAJA', text: 'No quiero promociones' }),
        reaction({ from: '34611000003', id: 'wamid.REA1', to: 'wamid.BTN1', emoji: '❤️' }),
        locationMessage({ from: '34611000003', id: 'wamid.LOC1', latitude: 41.3874, longitude: 2.1686, name: 'Tienda Centro' }),
      ],
    })]));
    await settle();
    expect(await conv('wamid.BTN1')).toMatchObject({ messageType: 'interactive', body: 'Confirmar', raw: { replyType: 'button_reply', replyId: 'confirmar_cita' } });
    expect(await conv('wamid.TBTN1')).toMatchObject({ messageType: 'button', body: 'No quiero promociones', raw: { replyId: 'BAJA' } });
    expect(await conv('wamid.REA1')).toMatchObject({ messageType: 'reaction', body: '❤️', raw: { reactionTo: 'wamid.BTN1' } });
    expect(await conv('wamid.LOC1')).toMatchObject({ messageType: 'location', body: 'Tienda Centro', raw: { latitude: 41.3874, longitude: 2.1686 } });
  });
});

describe('text no database accepts', () => {
  it('replaces NUL characters and lone surrogates (PostgreSQL refuses them; they end SQLite statements) and logs the rest', async () => {
    const raw = `{"object":"whatsapp_business_account","entry":[{"id":"1","time":1800000000,"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"${TEST_PHONE_NUMBER_ID}"},"contacts":[{"wa_id":"34611000040","profile":{"name":"Ze\\u0000ta"}}],"messages":[{"from":"34611000040","id":"wamid.NUL1","timestamp":"1800000000","type":"text","text":{"body":"a\\u0000b \\ud800 c"}}]}}]}]}`;
    expect(await deliver(raw)).toBe('stored');
    await settle();
    expect(await conv('wamid.NUL1')).toMatchObject({ body: 'a\ufffdb \ufffd c' });
    expect((await fork(srv.orm).findOneOrFail(Usuario, { phoneNumber: '34611000040' })).nombre).toBe('Ze\ufffdta');
  });
});

describe('statuses', () => {
  it('moves the outbound conversation, campaign recipient and template usage through sent/delivered/read', async () => {
    await makeOutboundSend(fork(srv.orm), 'wamid.OUT1', '34611000010');
    const t0 = 1_800_000_000;
    await deliver(envelope([messagesChange({ statuses: [statusUpdate({ id: 'wamid.OUT1', status: 'sent', timestamp: String(t0) })] })]));
    await deliver(envelope([messagesChange({ statuses: [statusUpdate({ id: 'wamid.OUT1', status: 'delivered', timestamp: String(t0 + 5) })] })]));
    await deliver(envelope([messagesChange({ statuses: [statusUpdate({ id: 'wamid.OUT1', status: 'read', timestamp: String(t0 + 60) })] })]));
    await settle();
    expect((await conv('wamid.OUT1'))!.deliveryStatus).toBe('read');
    const rec = await fork(srv.orm).findOneOrFail(CampaignRecipientLog, { messageId: 'wamid.OUT1' });
    expect(rec.sendStatus).toBe('read');
    expect([rec.sentTimestamp, rec.deliveredTimestamp, rec.readTimestamp].map((d) => d!.getTime() / 1000)).toEqual([t0, t0 + 5, t0 + 60]);
    expect((await fork(srv.orm).findOneOrFail(TemplateUsageLog, { messageId: 'wamid.OUT1' })).status).toBe('read');
  });

  it('records a failed status with Meta\'s error code and title', async () => {
    await makeOutboundSend(fork(srv.orm), 'wamid.OUT2', '34611000011');
    await deliver(envelope([messagesChange({ statuses: [statusUpdate({ id: 'wamid.OUT2', status: 'failed', error: { code: 131047, title: 'Re-engagement message' } })] })]));
    await settle();
    expect(await conv('wamid.OUT2')).toMatchObject({ deliveryStatus: 'failed', failureReason: '131047: Re-engagement message' });
    expect(await fork(srv.orm).findOneOrFail(CampaignRecipientLog, { messageId: 'wamid.OUT2' })).toMatchObject({ sendStatus: 'failed', failureReason: '131047: Re-engagement message' });
    expect((await fork(srv.orm).findOneOrFail(TemplateUsageLog, { messageId: 'wamid.OUT2' })).status).toBe('failed');
  });
});

describe('template status updates', () => {
  it('approves and rejects local templates by Meta id or name', async () => {
    const a = await makeTemplate(fork(srv.orm), { metaTemplateName: 'bienvenida', metaTemplateId: '5001' });
    const b = await makeTemplate(fork(srv.orm), { metaTemplateName: 'oferta_flash' });
    await deliver(envelope([
      templateStatusChange({ event: 'APPROVED', id: 5001, name: 'bienvenida' }),
      templateStatusChange({ event: 'REJECTED', id: 5002, name: 'oferta_flash', reason: 'INCORRECT_CATEGORY' }),
    ]));
    await settle();
    const reload = (id: string) => fork(srv.orm).findOneOrFail(MessageTemplate, { templateId: id });
    expect(await reload(a.templateId)).toMatchObject({ status: 'approved', approvalStatusMeta: 'approved' });
    expect(await reload(b.templateId)).toMatchObject({ status: 'rejected', approvalStatusMeta: 'rejected', rejectionReason: 'INCORRECT_CATEGORY', metaTemplateId: '5002' });
  });
});

describe('batches, duplicates and bad changes', () => {
  it('processes every entry and change of a multi-entry batch, even when one change is broken', async () => {
    await makeOutboundSend(fork(srv.orm), 'wamid.OUT3', '34611000012');
    const body = multiEntry([
      [
        messagesChange({ contacts: [{ wa_id: '34611000020', name: 'A' }], messages: [textMessage({ from: '34611000020', id: 'wamid.B1' }), textMessage({ from: '34611000020', id: 'wamid.B2' })] }),
        { field: 'messages', value: null as never },
      ],
      [
        messagesChange({ statuses: [statusUpdate({ id: 'wamid.OUT3', status: 'delivered' })] }),
        messagesChange({ contacts: [{ wa_id: '34611000021', name: 'B' }], messages: [textMessage({ from: '34611000021', id: 'wamid.B3' })] }),
      ],
    ]);
    await deliver(body);
    await settle();
    for (const id of ['wamid.B1', 'wamid.B2', 'wamid.B3']) expect(await conv(id)).not.toBeNull();
    expect((await fork(srv.orm).findOneOrFail(CampaignRecipientLog, { messageId: 'wamid.OUT3' })).sendStatus).toBe('delivered');
    // The broken change is recorded on the inbox row with its reason, never silently dropped; it is
    // not retried (the same bytes would fail the same way).
    const rows = await fork(srv.orm).find(WebhookInbox, { lastError: { $like: '%entry 0 / change 1: field "messages" without a value object%' } } as never);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('applies the same event once, whether Meta replays the same bytes or rebatches it in another envelope', async () => {
    const msg = textMessage({ from: '34611000030', id: 'wamid.ONCE1', body: 'una vez' });
    const first = envelope([messagesChange({ contacts: [{ wa_id: '34611000030', name: 'C' }], messages: [msg] })], { time: 1_800_000_100 });
    expect(await deliver(first)).toBe('stored');
    expect(await deliver(first)).toBe('duplicate');
    // Same message, different envelope (another entry time and an extra message): a new inbox row,
    // but the message is logged once.
    const rebatched = envelope([messagesChange({ contacts: [{ wa_id: '34611000030', name: 'C' }], messages: [textMessage({ from: '34611000030', id: 'wamid.ONCE2' }), msg] })], { time: 1_800_000_200 });
    expect(await deliver(rebatched)).toBe('stored');
    await settle();
    expect(await fork(srv.orm).count(ConversationLog, { messageId: 'wamid.ONCE1' })).toBe(1);
    expect(await fork(srv.orm).count(ConversationLog, { messageId: 'wamid.ONCE2' })).toBe(1);
    expect(await fork(srv.orm).count(ConversationLog, { from: '34611000030' })).toBe(2);
  });

  it('downloads a media message once when Meta re-sends it in another envelope', async () => {
    const sha = graph.addMedia('MEDIA_TWICE', Buffer.from('bytes of a photo sent twice'), 'image/jpeg');
    const img = imageMessage({ from: '34611000031', id: 'wamid.IMGTWICE', mediaId: 'MEDIA_TWICE', sha256: sha });
    await deliver(envelope([messagesChange({ contacts: [{ wa_id: '34611000031', name: 'D' }], messages: [img] })], { time: 1_800_000_300 }));
    await settle();
    const calls = () => graph.requests.filter((r) => r.path.includes('MEDIA_TWICE')).length;
    const first = calls();
    expect(first).toBeGreaterThan(0);
    await deliver(multiEntry([[messagesChange({ contacts: [{ wa_id: '34611000031', name: 'D' }], messages: [textMessage({ from: '34611000031' }), img] })]], { time: 1_800_000_400 }));
    await settle();
    expect(calls()).toBe(first);
    expect(await fork(srv.orm).count(ClientFileStorage, { messageId: 'wamid.IMGTWICE' })).toBe(1);
    expect(await fork(srv.orm).findOneOrFail(ClientFileStorage, { messageId: 'wamid.IMGTWICE' })).toMatchObject({ downloadStatus: 'ok', checksumSha256: sha });
  });
});
