import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { t } from '../../src/shared/i18n/index.ts';
import { menuText } from '../../flows/context.ts';
import { createTestHarness, rows, texts, upsert, wa, T0, type TestHarness } from '../helpers/replay.ts';

/**
 * Every kind of customer message through the replay seam: what is logged, and whether (and
 * where) the bot answers. Wrapped messages (disappearing mode, view once) must read like plain
 * ones; reactions, edits and deletions are history, not questions.
 */
const ANA = '34600000001';
const logged = (h: TestHarness, id: string) =>
  rows(h, 'select message_type, body, raw, message_direction, origin from conversations_log where message_id = ?', [id]);

describe('customer message types (replay → log → flows)', () => {
  let h: TestHarness;
  beforeEach(async () => {
    h = await createTestHarness('sqlite', { start: new Date(T0 * 1000) });
    await h.say(ANA, 'hola', { name: 'Ana' });
  });
  afterEach(async () => h.cleanup());

  it('answers texts sent in disappearing mode or as view-once like plain texts', async () => {
    const wrapped = await h.feed(upsert([wa({ phone: ANA, id: 'EPH-1', message: { ephemeralMessage: { message: { conversation: 'menú' } } } })]));
    expect(texts(wrapped)).toEqual([menuText()]);
    const viewOnce = await h.feed(upsert([wa({ phone: ANA, id: 'VO-1', message: { viewOnceMessageV2: { message: { extendedTextMessage: { text: '2' } } } } })]));
    expect(texts(viewOnce)).toEqual([t('flows.orders_none')]);
    expect(await logged(h, 'EPH-1')).toMatchObject([{ message_type: 'text', body: 'menú' }]);
  });

  it('acknowledges a wrapped photo as media', async () => {
    const replies = await h.feed(upsert([wa({ phone: ANA, id: 'EPH-IMG', message: { ephemeralMessage: { message: { imageMessage: { mimetype: 'image/png', caption: 'mira' } } } } })]));
    expect(texts(replies)).toEqual([t('flows.media_received')]);
    expect(await logged(h, 'EPH-IMG')).toMatchObject([{ message_type: 'image', body: 'mira' }]);
  });

  it('replies to the plain chat JID when the sender writes from a linked device (…:7@s.whatsapp.net)', async () => {
    const replies = await h.feed(upsert([wa({ jid: `${ANA}:7@s.whatsapp.net`, id: 'DEV-1', text: 'menú' })]));
    expect(replies.map((r) => r.to)).toEqual([`${ANA}@s.whatsapp.net`]);
    expect(texts(replies)).toEqual([menuText()]);
  });

  it('logs reactions, edits and deletions as history and answers none of them', async () => {
    const replies = await h.feed(upsert([
      wa({ phone: ANA, id: 'REACT-1', message: { reactionMessage: { text: '👍', key: { id: 'X1' } } } }),
      wa({ phone: ANA, id: 'EDIT-1', message: { protocolMessage: { type: 14, key: { id: 'X1' }, editedMessage: { conversation: 'menú' } } } }),
      wa({ phone: ANA, id: 'EDIT-2', message: { editedMessage: { message: { protocolMessage: { type: 'MESSAGE_EDIT', key: { id: 'X1' }, editedMessage: { conversation: '/ayuda' } } } } } }),
      // A recorded revoke: protobuf's JSON leaves out the default type (REVOKE = 0).
      wa({ phone: ANA, id: 'DEL-1', message: { protocolMessage: { key: { id: 'X1', remoteJid: `${ANA}@s.whatsapp.net` } } } }),
      wa({ phone: ANA, id: 'KEYS-1', message: { protocolMessage: { type: 'EPHEMERAL_SETTING', ephemeralExpiration: 86400 } } }),
    ]));
    expect(replies).toEqual([]);
    expect(await logged(h, 'REACT-1')).toMatchObject([{ message_type: 'reaction', body: '👍', origin: 'customer' }]);
    expect(await logged(h, 'EDIT-1')).toMatchObject([{ message_type: 'system', body: 'menú' }]);
    expect(JSON.parse(String((await logged(h, 'EDIT-1'))[0]!.raw))).toEqual({ action: 'edit', targetId: 'X1' });
    expect(await logged(h, 'EDIT-2')).toMatchObject([{ message_type: 'system', body: '/ayuda' }]);
    expect(JSON.parse(String((await logged(h, 'DEL-1'))[0]!.raw))).toEqual({ action: 'revoke', targetId: 'X1' });
    expect(await logged(h, 'KEYS-1')).toEqual([]);
  });

  it('logs locations, contacts and polls, and answers a location with the hint', async () => {
    const location = await h.feed(upsert([wa({ phone: ANA, id: 'LOC-1', message: { locationMessage: { degreesLatitude: 40.4168, degreesLongitude: -3.7038 } } })]));
    expect(texts(location)).toEqual([t('flows.fallback')]);
    await h.feed(upsert([
      wa({ phone: ANA, id: 'VCARD-1', message: { contactMessage: { displayName: 'Eva', vcard: 'BEGIN:VCARD' } } }),
      wa({ phone: ANA, id: 'POLL-1', message: { pollCreationMessageV3: { name: '¿Qué día?', options: [{ optionName: 'lunes' }] } } }),
    ]));
    const types = await rows(h, "select message_id, message_type, body from conversations_log where message_id in ('LOC-1','VCARD-1','POLL-1') order by message_id");
    expect(types).toEqual([
      { message_id: 'LOC-1', message_type: 'location', body: '40.4168,-3.7038' },
      { message_id: 'POLL-1', message_type: 'poll', body: '¿Qué día?' },
      { message_id: 'VCARD-1', message_type: 'contact', body: 'Eva' },
    ]);
  });

  it('stores a text with NUL characters instead of losing it', async () => {
    await h.feed(upsert([wa({ phone: ANA, id: 'NUL-1', text: 'ho\u0000la', name: 'A\u0000na' })]));
    expect(await logged(h, 'NUL-1')).toMatchObject([{ message_type: 'text', body: 'hola' }]);
  });

  it('still logs the rest of a batch when one message has a shape nobody expected', async () => {
    await h.feed(upsert([
      wa({ phone: ANA, id: 'ODD-1', message: { locationMessage: null, pollCreationMessage: 7 } as never }),
      wa({ phone: ANA, id: 'ODD-2', text: 'sigo aquí', ts: 'no-es-una-fecha' as never }),
    ]));
    expect(await logged(h, 'ODD-1')).toMatchObject([{ message_type: 'location', body: null }]);
    expect(await logged(h, 'ODD-2')).toMatchObject([{ message_type: 'text', body: 'sigo aquí' }]);
  });
});
