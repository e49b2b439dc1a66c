import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { classifyEnvelope, listChanges, mapChange } from '../../../src/modules/meta/map-payload.ts';
import { normalizeSha256 } from '../../../src/modules/meta/map-message.ts';
import { parseWebhookBody, type MetaWebhookBody } from '../../../src/modules/meta/payload.ts';
import {
  buttonReply, documentMessage, envelope, imageMessage, listReply, locationMessage, messagesChange, multiEntry, reaction,
  statusUpdate, templateButton, templateStatusChange, textMessage,
} from '../../helpers/meta.ts';

const opened: string[] = [];
const ctx = {
  openMedia: async (id: string) => {
    opened.push(id);
    return Readable.from([Buffer.from(`bytes of ${id}`)]);
  },
  now: () => new Date('2026-01-01T00:00:00Z'),
};

function mapAll(body: Record<string, unknown>) {
  return listChanges(body as MetaWebhookBody).map(({ entry, change, where }) => mapChange(entry, change, where, ctx));
}

describe('classifyEnvelope', () => {
  it('accepts WhatsApp bodies with a handled field', () => {
    expect(classifyEnvelope(envelope([messagesChange({ messages: [textMessage()] })]))).toEqual({ kind: 'handled' });
    expect(classifyEnvelope(envelope([templateStatusChange({ event: 'APPROVED' })]))).toEqual({ kind: 'handled' });
  });

  it('ignores other objects, other fields and non-objects with a reason', () => {
    expect(classifyEnvelope({ object: 'page', entry: [] })).toMatchObject({ kind: 'ignored', reason: 'unknown object "page"' });
    expect(classifyEnvelope(envelope([{ field: 'account_update', value: {} }]))).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('account_update') });
    expect(classifyEnvelope([1, 2])).toMatchObject({ kind: 'ignored' });
    expect(classifyEnvelope({ object: 'whatsapp_business_account', entry: [] })).toMatchObject({ kind: 'ignored' });
  });
});

describe('mapChange: inbound messages', () => {
  it('maps a text message with the contact profile name, quoted context and timestamp', () => {
    const msg = textMessage({ from: '34600000001', id: 'wamid.A', body: 'Hola', timestamp: '1700000000', context: { id: 'wamid.Q' } });
    const [m] = mapAll(envelope([messagesChange({ contacts: [{ wa_id: '34600000001', name: 'Ana López' }], messages: [msg] })]));
    expect(m.messages).toHaveLength(1);
    expect(m.messages[0]).toMatchObject({
      type: 'message', platform: 'meta_cloud', messageId: 'wamid.A', chatJid: '34600000001@s.whatsapp.net', isGroup: false,
      senderPhone: '34600000001', peerPhone: '34600000001', senderName: 'Ana López', fromMe: false, messageType: 'text',
      body: 'Hola', quotedId: 'wamid.Q', upsertType: 'notify', media: null,
    });
    expect(m.messages[0].timestamp.toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });

  it('maps an image to a MediaRef that downloads the Graph media id only when opened', async () => {
    const sha = 'a'.repeat(64);
    const [m] = mapAll(envelope([messagesChange({ messages: [imageMessage({ mediaId: 'MEDIA1', sha256: sha, caption: 'mi foto' })] })]));
    const ev = m.messages[0];
    expect(ev).toMatchObject({ messageType: 'image', body: 'mi foto' });
    expect(ev.media).toMatchObject({ kind: 'image', mimetype: 'image/jpeg', expectedSha256: sha, retryInfo: { graphMediaId: 'MEDIA1' } });
    expect(opened).not.toContain('MEDIA1');
    const chunks: Buffer[] = [];
    for await (const c of await ev.media!.open()) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('bytes of MEDIA1');
  });

  it('keeps a document file name', () => {
    const [m] = mapAll(envelope([messagesChange({ messages: [documentMessage({ mediaId: 'D1', filename: 'factura.pdf' })] })]));
    expect(m.messages[0].media).toMatchObject({ kind: 'document', fileName: 'factura.pdf', mimetype: 'application/pdf' });
  });

  it('maps button replies, list replies and template quick-reply buttons with their ids', () => {
    const [m] = mapAll(envelope([messagesChange({ messages: [
      buttonReply({ replyId: 'btn_yes', title: 'Sí' }),
      listReply({ replyId: 'opt_2', title: 'Opción 2', description: 'la segunda' }),
      templateButton({ payload: 'STOP', text: 'No quiero más mensajes' }),
    ] })]));
    expect(m.messages.map((e) => [e.messageType, e.body, e.extra?.replyId])).toEqual([
      ['interactive', 'Sí', 'btn_yes'],
      ['interactive', 'Opción 2', 'opt_2'],
      ['button', 'No quiero más mensajes', 'STOP'],
    ]);
  });

  it('maps reactions (and their removal) and locations', () => {
    const [m] = mapAll(envelope([messagesChange({ messages: [
      reaction({ to: 'wamid.T', emoji: '👍' }),
      reaction({ to: 'wamid.T' }),
      locationMessage({ latitude: 40.4168, longitude: -3.7038, name: 'Tienda', address: 'Gran Vía 1' }),
    ] })]));
    expect(m.messages[0]).toMatchObject({ messageType: 'reaction', body: '👍', extra: { reactionTo: 'wamid.T', removed: false } });
    expect(m.messages[1]).toMatchObject({ messageType: 'reaction', body: null, extra: { reactionTo: 'wamid.T', removed: true } });
    expect(m.messages[2]).toMatchObject({ messageType: 'location', body: 'Tienda, Gran Vía 1', extra: { latitude: 40.4168, longitude: -3.7038 } });
  });

  it('skips messages without id or sender and keeps the rest', () => {
    const [m] = mapAll(envelope([messagesChange({ messages: [{ type: 'text', text: { body: 'x' } }, { id: 'wamid.N', type: 'text' }, textMessage({ id: 'wamid.OK' })] })]));
    expect(m.messages.map((e) => e.messageId)).toEqual(['wamid.OK']);
    expect(m.skipped).toHaveLength(2);
  });

  it('maps unsupported types to unknown instead of dropping them', () => {
    const [m] = mapAll(envelope([messagesChange({ messages: [{ from: '34600000001', id: 'wamid.U', timestamp: '1700000000', type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] }] })]));
    expect(m.messages[0]).toMatchObject({ messageType: 'unknown', body: null, extra: { metaType: 'unsupported' } });
  });
});

describe('mapChange: statuses and templates', () => {
  it('maps sent, delivered, read and failed (with Meta error code and title); skips untracked statuses', () => {
    const [m] = mapAll(envelope([messagesChange({ statuses: [
      statusUpdate({ id: 'wamid.O', status: 'sent', timestamp: '1700000001' }),
      statusUpdate({ id: 'wamid.O', status: 'delivered' }),
      statusUpdate({ id: 'wamid.O', status: 'read' }),
      statusUpdate({ id: 'wamid.F', status: 'failed', error: { code: 131026, title: 'Message undeliverable' } }),
      statusUpdate({ id: 'wamid.D', status: 'deleted' }),
    ] })]));
    expect(m.receipts.map((r) => r.status)).toEqual(['sent', 'delivered', 'read', 'failed']);
    expect(m.receipts[0]).toMatchObject({ type: 'receipt', platform: 'meta_cloud', messageId: 'wamid.O', error: null });
    expect(m.receipts[0].timestamp.getTime()).toBe(1700000001000);
    expect(m.receipts[3].error).toEqual({ code: 131026, title: 'Message undeliverable' });
    expect(m.skipped).toEqual(['status "deleted" of wamid.D not tracked']);
  });

  it('maps template status updates with id, name, language and reason', () => {
    const [m] = mapAll(envelope([templateStatusChange({ event: 'REJECTED', id: 55, name: 'promo', reason: 'INVALID_FORMAT' })], { time: 1700000100 }));
    expect(m.templateUpdates).toEqual([{ event: 'REJECTED', metaTemplateId: '55', metaTemplateName: 'promo', language: 'es_ES', reason: 'INVALID_FORMAT', eventTime: 1700000100 }]);
  });

  it('maps every change of every entry of a batch', () => {
    const body = multiEntry([
      [messagesChange({ messages: [textMessage(), textMessage()] }), messagesChange({ statuses: [statusUpdate({ id: 'wamid.S', status: 'read' })] })],
      [templateStatusChange({ event: 'APPROVED' }), messagesChange({ messages: [textMessage()] })],
    ]);
    const mapped = mapAll(body);
    expect(mapped.map((c) => c.where)).toEqual(['entry 0 / change 0', 'entry 0 / change 1', 'entry 1 / change 0', 'entry 1 / change 1']);
    expect(mapped.reduce((n, c) => n + c.messages.length, 0)).toBe(3);
  });

  it('never throws: a handled field without a value, or unreadable items, become skipped notes with the reason', () => {
    expect(mapChange({}, { field: 'messages' }, 'entry 0 / change 0', ctx).skipped).toEqual(['field "messages" without a value object']);
    const mixed = mapChange({}, {
      field: 'messages',
      value: {
        contacts: [null, 7, { wa_id: '34600000001', profile: 'x' }],
        messages: [null, 5, 'x', { id: 'w'.repeat(300), from: '34600000001', type: 'text' }, textMessage({ id: 'wamid.GOOD' }), { id: 'wamid.C', from: '34600000001', type: 'contacts', contacts: 'nope' }],
        statuses: [{ id: 'wamid.S1', status: 'failed', errors: 'boom', timestamp: '9'.repeat(30) }, { id: 'wamid.S2', status: { $gt: '' } }],
      },
    }, 'entry 0 / change 0', ctx);
    expect(mixed.messages.map((m) => m.messageId)).toEqual(['wamid.GOOD', 'wamid.C']);
    expect(mixed.messages[1]).toMatchObject({ messageType: 'contact', body: null });
    expect(mixed.receipts).toMatchObject([{ messageId: 'wamid.S1', status: 'failed', error: null }]);
    expect(mixed.receipts[0]!.timestamp.getTime()).not.toBeNaN();
    expect(mixed.skipped).toEqual([
      'message without id', 'message without id', 'message without id', 'message with an invalid id (over 255 characters)',
      'status "[object Object]" of wamid.S2 not tracked',
    ]);
  });
});

describe('normalizeSha256', () => {
  it('keeps hex, converts base64 of 32 bytes to hex, rejects anything else', () => {
    const hex = 'ab'.repeat(32);
    expect(normalizeSha256(hex.toUpperCase())).toBe(hex);
    expect(normalizeSha256(Buffer.from(hex, 'hex').toString('base64'))).toBe(hex);
    expect(normalizeSha256('nope')).toBeNull();
    expect(normalizeSha256(undefined)).toBeNull();
  });
});

describe('parseWebhookBody', () => {
  it('replaces NUL and lone surrogates in values and keys, keeps real pairs (emoji) and plain bodies as they are', () => {
    const parse = (text: string) => parseWebhookBody(Buffer.from(text));
    expect(parse('{"a":"x\\u0000y","k\\u0000":"\\ud800 \\udc00","e":"\\ud83d\\ude00"}')).toEqual({ a: 'x\ufffdy', 'k\ufffd': '\ufffd \ufffd', e: '😀' });
    expect(parse('{"a":"hola ñ 😀","n":[1,{"b":null}]}')).toEqual({ a: 'hola ñ 😀', n: [1, { b: null }] });
    expect(() => parse('{"a":')).toThrow(SyntaxError);
  });
});
