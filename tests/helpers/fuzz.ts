/**
 * Seeded random Baileys messages for property-style tests: every content type a customer can
 * send (wrapped in disappearing-mode, view-once and caption wrappers too), the protocol messages
 * that travel the same way, and malformed variants (wrong types, nulls, absurd sizes) as a
 * recorded file or a misbehaving peer could produce. Deterministic for a given seed.
 */

export type Rng = () => number;

/** mulberry32: small, fast, good enough to explore shapes reproducibly. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const chance = (r: Rng, p: number) => r() < p;

/** Values that are not what a field should hold. */
export function garbage(r: Rng, depth = 0): unknown {
  const leaves: unknown[] = [null, undefined, 0, -1, 1e30, '', 'x', true, false, 'ñ😀'.repeat(200), '\u0000\u202e', [], {}, [1, 'a'], new Uint8Array([1, 2, 3])];
  if (depth < 2 && chance(r, 0.3)) return chance(r, 0.5) ? [garbage(r, depth + 1)] : { [pick(r, ['a', 'text', 'message', 'key'])]: garbage(r, depth + 1) };
  return pick(r, leaves);
}

const text = (r: Rng) => pick(r, ['hola', 'menú', '2', 'BAJA', 'ALTA', '¿cuánto cuesta?', '/ayuda', '', '👍', 'x'.repeat(5000), 'línea\nnueva', '\u0000nul']);
const fileNames = ['factura.pdf', '../../../etc/passwd', '..', '...', '\u0000', 'a/b\\c.txt', 'x'.repeat(600) + '.pdf', '\u202efdp.exe', 'CON', ' .hidden ', '', 'ñandú 2024.docx'];

export interface FuzzContent {
  message: unknown;
  /** A message a person wrote, in a shape WhatsApp sends: it must be logged. */
  wellFormed: boolean;
  /** Protocol plumbing (key shares, settings, nothing at all): it must not be logged. */
  plumbing: boolean;
}

function media(r: Rng, field: string): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (chance(r, 0.8)) m.mimetype = pick(r, ['image/jpeg', 'image/png', 'video/mp4', 'audio/ogg; codecs=opus', 'application/pdf', 'application/x-evil', '']);
  if (chance(r, 0.5)) m.caption = text(r);
  if (field === 'documentMessage' && chance(r, 0.8)) m.fileName = pick(r, fileNames);
  if (chance(r, 0.4)) m.fileLength = pick(r, [79, '79', 10 ** 12, -3, 'abc']);
  if (chance(r, 0.3)) m.fileSha256 = pick(r, ['XcURMXHLY29WZU75czjlJ5GYaKTz1TevCWQHAcP/17w=', 'not-base64', new Uint8Array(32)]);
  if (chance(r, 0.3)) m.contextInfo = { stanzaId: pick(r, ['Q1', 'q'.repeat(400)]) };
  return m;
}

/** One random content, flagged well-formed / plumbing when its shape says so. */
export function randomContent(r: Rng, depth = 0): FuzzContent {
  const ok = (message: unknown): FuzzContent => ({ message, wellFormed: true, plumbing: false });
  // Wrappers nest at most twice (Baileys unwraps five levels; deeper is not a real message).
  const kind = Math.floor(r() * 24);
  if (kind === 18 && depth >= 2) return ok({ conversation: 'hola' });
  switch (kind) {
    case 0: return ok({ conversation: text(r) || 'hola' });
    case 1: return ok({ extendedTextMessage: { text: text(r) || 'hola', contextInfo: { stanzaId: 'PREV1' } } });
    case 2: case 3: {
      const field = pick(r, ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage', 'ptvMessage']);
      return ok({ [field]: media(r, field) });
    }
    case 4: return ok({ documentWithCaptionMessage: { message: { documentMessage: media(r, 'documentMessage') } } });
    case 5: return ok({ reactionMessage: { text: pick(r, ['👍', '', '❤️']), key: { id: 'TARGET1' } } });
    case 6: return ok({ locationMessage: { degreesLatitude: 40.4, degreesLongitude: -3.7, name: pick(r, ['Tienda', '']) } });
    case 7: return ok({ liveLocationMessage: { degreesLatitude: 1, degreesLongitude: 2 } });
    case 8: return ok({ contactMessage: { displayName: 'Eva', vcard: 'BEGIN:VCARD' } });
    case 9: return ok({ contactsArrayMessage: { displayName: '2 contactos', contacts: [] } });
    case 10: return ok({ [pick(r, ['pollCreationMessage', 'pollCreationMessageV2', 'pollCreationMessageV3'])]: { name: '¿Hora?', options: [{ optionName: '10' }] } });
    case 11: return ok({ pollUpdateMessage: { pollCreationMessageKey: { id: 'P1' }, vote: {} } });
    case 12: return ok({ buttonsResponseMessage: { selectedButtonId: 'b1', selectedDisplayText: 'Sí' } });
    case 13: return ok({ listResponseMessage: { title: 'Opción', singleSelectReply: { selectedRowId: 'r1' } } });
    case 14: return ok({ protocolMessage: { type: pick(r, [14, 'MESSAGE_EDIT']), key: { id: 'TARGET1' }, editedMessage: { conversation: 'corregido' } } });
    case 15: return ok({ editedMessage: { message: { protocolMessage: { type: 14, key: { id: 'TARGET1' }, editedMessage: { extendedTextMessage: { text: 'v2' } } } } } });
    case 16: return ok({ protocolMessage: { type: pick(r, [0, 'REVOKE', undefined]), key: { id: 'TARGET1', remoteJid: '34600000001@s.whatsapp.net' } } });
    case 17: return ok({ someFutureMessage: { anything: 1 } });
    case 18: {
      const inner = randomContent(r, depth + 1);
      const wrapper = pick(r, ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension']);
      return { ...inner, message: { [wrapper]: { message: inner.message } } };
    }
    case 19: return { message: pick(r, [undefined, null, {}, { messageContextInfo: {} }, { senderKeyDistributionMessage: { groupId: 'g' } }, { protocolMessage: { type: pick(r, [3, 5, 'EPHEMERAL_SETTING']) } }]), wellFormed: false, plumbing: true };
    default: {
      // A known field holding the wrong thing, or a message that is not an object at all.
      const field = pick(r, ['conversation', 'extendedTextMessage', 'imageMessage', 'documentMessage', 'locationMessage', 'reactionMessage', 'pollCreationMessageV3', 'protocolMessage', 'contactMessage', 'listResponseMessage', 'ephemeralMessage', 'editedMessage']);
      return { message: chance(r, 0.1) ? garbage(r) : { [field]: garbage(r) }, wellFormed: false, plumbing: false };
    }
  }
}

export interface FuzzMessage {
  raw: Record<string, unknown>;
  id: string;
  /** Key and content are what WhatsApp sends for a person's message: it must be logged. */
  mustLog: boolean;
}

const T0 = 1732420000;

/** A random WAMessage (JSON shape) with id `FZ<n>`; sometimes a malformed key or timestamp. */
export function randomMessage(r: Rng, n: number, mediaFiles: string[]): FuzzMessage {
  const id = `FZ${String(n).padStart(5, '0')}`;
  const phone = `3460000${String(Math.floor(r() * 40)).padStart(4, '0')}`;
  const chats: Array<[Record<string, unknown>, boolean]> = [
    [{ remoteJid: `${phone}@s.whatsapp.net` }, true],
    [{ remoteJid: `${phone}:7@s.whatsapp.net` }, true],
    [{ remoteJid: `${9000 + Math.floor(r() * 20)}@lid`, remoteJidAlt: chance(r, 0.5) ? `${phone}@s.whatsapp.net` : undefined }, true],
    [{ remoteJid: '120363025246125888@g.us', participant: `${phone}@s.whatsapp.net` }, true],
    [{ remoteJid: '120363025246125888@g.us', participant: garbage(r) }, true],
    [{ remoteJid: 'status@broadcast', participant: `${phone}@s.whatsapp.net` }, false],
    [{ remoteJid: '1234@newsletter' }, false],
    [{ remoteJid: garbage(r) }, false],
    [{ remoteJid: `${'9'.repeat(300)}@s.whatsapp.net` }, false],
  ];
  const [chat, realChat] = pick(r, chats);
  const content = randomContent(r);
  const badKey = chance(r, 0.05);
  const key: Record<string, unknown> = { ...chat, id: badKey ? pick(r, [7, '', 'k'.repeat(300), null]) : id, fromMe: pick(r, [false, false, false, true, undefined, 'true']) };
  const raw: Record<string, unknown> = { key, message: content.message };
  raw.messageTimestamp = pick(r, [T0, T0 + 5, String(T0 + 1), { low: T0, high: 0, unsigned: true, toNumber: () => T0 }, 0, -5, 1e20, 'abc', null, undefined]);
  if (chance(r, 0.7)) raw.pushName = pick(r, ['Ana', 'Ñoño 😀', 'n'.repeat(400), 42, null, { a: 1 }]);
  if (chance(r, 0.3)) raw.mediaFile = pick(r, mediaFiles);
  if (chance(r, 0.03)) raw.messageStubParameters = [garbage(r)];
  return { raw, id, mustLog: realChat && !badKey && content.wellFormed && typeof key.remoteJid === 'string' && (key.remoteJid as string).length <= 255 };
}
