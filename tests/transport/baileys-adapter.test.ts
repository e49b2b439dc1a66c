import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { createBaileysAdapter, deliveryStatusOf } from '../../src/transport/baileys-adapter.ts';
import { createLidDirectory } from '../../src/transport/lid-directory.ts';
import { routeOf } from '../../src/transport/routing.ts';
import type { MessageReceived } from '../../src/transport/events.ts';

const NOW = new Date('2024-11-24T10:00:00Z');

function makeAdapter() {
  const lids = createLidDirectory();
  const adapter = createBaileysAdapter({
    lids,
    now: () => NOW,
    self: () => ({ phone: '34000000000', lid: null }),
    openMedia: async () => Readable.from([Buffer.from('x')]),
  });
  return { adapter, lids };
}

const upsert = (messages: unknown[], type: 'notify' | 'append' = 'notify') => ({ type, messages }) as never;

describe('Baileys adapter', () => {
  it('maps a 1:1 text into a MessageReceived with phone, name and time', () => {
    const { adapter } = makeAdapter();
    const { messages } = adapter.messagesUpsert(
      upsert([{ key: { remoteJid: '34600000001:3@s.whatsapp.net', fromMe: false, id: 'A1' }, messageTimestamp: 1732442400, pushName: 'Ana', message: { conversation: 'hola' } }]),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]!.event).toMatchObject({
      messageId: 'A1', chatJid: '34600000001@s.whatsapp.net', isGroup: false, peerPhone: '34600000001', senderPhone: '34600000001',
      senderName: 'Ana', fromMe: false, messageType: 'text', body: 'hola', upsertType: 'notify', timestamp: new Date(1732442400_000),
    });
  });

  it('resolves a LID sender through remoteJidAlt and remembers the pair for later LID-only messages', () => {
    const { adapter, lids } = makeAdapter();
    adapter.messagesUpsert(upsert([{ key: { remoteJid: '777@lid', remoteJidAlt: '34600000002@s.whatsapp.net', fromMe: false, id: 'L1' }, message: { conversation: 'hola' } }]));
    expect(lids.phoneOf('777')).toBe('34600000002');
    const { messages } = adapter.messagesUpsert(upsert([{ key: { remoteJid: '777@lid', fromMe: false, id: 'L2' }, message: { conversation: 'otra' } }]));
    expect(messages[0]!.event).toMatchObject({ chatJid: '777@lid', peerPhone: '34600000002', peerLid: '777' });
  });

  it('classifies media, captions, reactions and locations, and skips protocol messages', () => {
    const { adapter } = makeAdapter();
    const sha = Buffer.alloc(32, 7).toString('base64');
    const { messages } = adapter.messagesUpsert(
      upsert([
        { key: { remoteJid: '34600000001@s.whatsapp.net', id: 'M1' }, message: { imageMessage: { caption: 'foto', mimetype: 'image/jpeg', fileLength: '1234', fileSha256: sha } } },
        { key: { remoteJid: '34600000001@s.whatsapp.net', id: 'M2' }, message: { documentWithCaptionMessage: { message: { documentMessage: { fileName: '../../etc/passwd', mimetype: 'application/pdf', caption: 'factura' } } } } },
        { key: { remoteJid: '34600000001@s.whatsapp.net', id: 'M3' }, message: { reactionMessage: { text: '👍', key: { id: 'M1' } } } },
        { key: { remoteJid: '34600000001@s.whatsapp.net', id: 'M4' }, message: { locationMessage: { degreesLatitude: 40.4, degreesLongitude: -3.7 } } },
        { key: { remoteJid: '34600000001@s.whatsapp.net', id: 'M5' }, message: { protocolMessage: { type: 0 } } },
        { key: { remoteJid: '34600000001@s.whatsapp.net', id: 'M6' }, message: { stickerMessage: { mimetype: 'image/webp' } } },
        { key: { remoteJid: 'status@broadcast', id: 'M7', participant: '34600000001@s.whatsapp.net' }, message: { conversation: 'estado' } },
      ]),
    );
    const byId = Object.fromEntries(messages.map((m) => [m.event.messageId, m.event]));
    expect(Object.keys(byId)).toEqual(['M1', 'M2', 'M3', 'M4', 'M6']);
    expect(byId.M1).toMatchObject({ messageType: 'image', body: 'foto', media: { kind: 'image', declaredSize: 1234, expectedSha256: '07'.repeat(32) } });
    expect(byId.M2).toMatchObject({ messageType: 'document', body: 'factura', media: { kind: 'document', fileName: '../../etc/passwd' } });
    expect(byId.M3).toMatchObject({ messageType: 'reaction', body: '👍', extra: { targetId: 'M1' } });
    expect(byId.M4).toMatchObject({ messageType: 'location', body: '40.4,-3.7' });
    expect(byId.M6).toMatchObject({ messageType: 'sticker', media: { kind: 'sticker' } });
  });

  it('counts undecryptable messages instead of logging them (Baileys redelivers them with the same id)', () => {
    const { adapter } = makeAdapter();
    const r = adapter.messagesUpsert(upsert([{ key: { remoteJid: '34600000001@s.whatsapp.net', id: 'C1' }, messageStubType: 2, messageStubParameters: ['No session'] }]));
    expect(r).toEqual({ messages: [], decryptFailures: 1 });
  });

  it('names the group participant as sender and marks our own messages', () => {
    const { adapter } = makeAdapter();
    const { messages } = adapter.messagesUpsert(
      upsert([
        { key: { remoteJid: '1203@g.us', participant: '555@lid', participantAlt: '34600000003@s.whatsapp.net', id: 'G1' }, pushName: 'Marta', message: { conversation: 'hola grupo' } },
        { key: { remoteJid: '1203@g.us', fromMe: true, id: 'G2' }, message: { conversation: 'hola a todos' } },
      ], 'append'),
    );
    expect(messages[0]!.event).toMatchObject({ isGroup: true, chatJid: '1203@g.us', senderPhone: '34600000003', senderLid: '555', senderName: 'Marta', upsertType: 'append' });
    expect(messages[1]!.event).toMatchObject({ isGroup: true, fromMe: true, senderPhone: '34000000000' });
  });

  it('maps receipts: numeric and named statuses, and per-participant read receipts', () => {
    const { adapter } = makeAdapter();
    expect(deliveryStatusOf(3)).toBe('delivered');
    expect(deliveryStatusOf('READ')).toBe('read');
    expect(deliveryStatusOf(0)).toBe('failed');
    expect(adapter.messagesUpdate([{ key: { id: 'X' }, update: { status: 4 } }] as never)).toMatchObject([{ messageId: 'X', status: 'read' }]);
    expect(adapter.messagesUpdate([{ key: { id: 'X' }, update: { message: {} } }] as never)).toEqual([]);
    expect(adapter.messageReceipts([{ key: { id: 'Y' }, receipt: { userJid: '34600000001@s.whatsapp.net', readTimestamp: 1732442500 } }] as never)).toMatchObject([
      { messageId: 'Y', status: 'read', participantPhone: '34600000001', timestamp: new Date(1732442500_000) },
    ]);
  });

  it('accepts group participants as JID strings and as objects, across Baileys versions', () => {
    const { adapter } = makeAdapter();
    const e = adapter.groupParticipants({ id: '1203@g.us', author: '34600000009@s.whatsapp.net', action: 'add', participants: ['34600000001@s.whatsapp.net', { id: '888@lid', phoneNumber: '34600000002@s.whatsapp.net', admin: 'admin' }] } as never);
    expect(e).toMatchObject({
      type: 'group.participants', action: 'add', author: '34600000009',
      participants: [{ phone: '34600000001', lid: null }, { phone: '34600000002', lid: '888', admin: 'admin' }],
    });
  });

  it('maps contacts (LID ↔ phone pairs) and group metadata', () => {
    const { adapter } = makeAdapter();
    expect(adapter.contactsUpsert([{ id: '999@lid', phoneNumber: '34600000007@s.whatsapp.net', notify: 'Eva' }] as never)).toMatchObject([{ phone: '34600000007', lid: '999', name: 'Eva' }]);
    const g = adapter.groupsUpsert([{ id: '1203@g.us', subject: 'VIP', owner: '34600000009@s.whatsapp.net', subjectTime: 1732442400, participants: [{ id: '34600000009@s.whatsapp.net', admin: 'superadmin' }] }] as never, true);
    expect(g).toMatchObject({ fullSync: true, groups: [{ jid: '1203@g.us', subject: 'VIP', ownerPhone: '34600000009', size: 1, participants: [{ phone: '34600000009', admin: 'superadmin' }] }] });
  });
});

describe('routeOf', () => {
  const base: MessageReceived = {
    type: 'message', platform: 'baileys', messageId: 'R1', chatJid: '34600000001@s.whatsapp.net', isGroup: false, senderPhone: '34600000001',
    fromMe: false, timestamp: NOW, messageType: 'text', body: 'hola', upsertType: 'notify',
  };
  const cfg = { REPLY_MAX_AGE: 600_000, ALLOW_GROUP_COMMANDS: false };
  const fresh = { inserted: true };

  it('sends new, recent customer messages to the flows and slash commands to the router', () => {
    expect(routeOf(base, fresh, NOW, cfg)).toBe('flow');
    expect(routeOf({ ...base, body: '  /ayuda' }, fresh, NOW, cfg)).toBe('command');
  });

  it('answers nothing that is history, ours, a repeat or older than REPLY_MAX_AGE', () => {
    expect(routeOf({ ...base, upsertType: 'append' }, fresh, NOW, cfg)).toBe('none');
    expect(routeOf({ ...base, fromMe: true }, fresh, NOW, cfg)).toBe('none');
    expect(routeOf(base, { inserted: false }, NOW, cfg)).toBe('none');
    expect(routeOf(base, fresh, new Date(NOW.getTime() + 600_001), cfg)).toBe('none');
  });

  it('ignores group chat, and group commands unless ALLOW_GROUP_COMMANDS', () => {
    const group = { ...base, isGroup: true, chatJid: '1203@g.us' };
    expect(routeOf(group, fresh, NOW, cfg)).toBe('none');
    expect(routeOf({ ...group, body: '/ayuda' }, fresh, NOW, cfg)).toBe('none');
    expect(routeOf({ ...group, body: '/ayuda' }, fresh, NOW, { ...cfg, ALLOW_GROUP_COMMANDS: true })).toBe('command');
  });
});
