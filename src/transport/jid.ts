import {
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidDecode,
  jidEncode,
  jidNormalizedUser,
} from '@whiskeysockets/baileys';

/**
 * JID helpers on top of Baileys' own (never string surgery on JIDs). Baileys 7 addresses a person
 * either by phone (`<digits>@s.whatsapp.net`) or by LID (`<digits>@lid`); device suffixes
 * (`:12`) are dropped by `jidNormalizedUser`.
 */

export type JidKind = 'pn' | 'lid' | 'group' | 'status' | 'broadcast' | 'newsletter' | 'other';

export function jidKind(jid: string | null | undefined): JidKind {
  // Recorded or malformed events may carry anything here: only strings are JIDs.
  if (typeof jid !== 'string' || !jid) return 'other';
  if (isJidStatusBroadcast(jid)) return 'status';
  if (isJidGroup(jid)) return 'group';
  if (isJidNewsletter(jid)) return 'newsletter';
  if (isJidBroadcast(jid)) return 'broadcast';
  if (isLidUser(jid)) return 'lid';
  if (isPnUser(jid)) return 'pn';
  return 'other';
}

/** Phone digits of a phone JID (device stripped), or null for any other kind. */
export function phoneOfJid(jid: string | null | undefined): string | null {
  if (!jid || jidKind(jid) !== 'pn') return null;
  const user = jidDecode(jidNormalizedUser(jid))?.user;
  return user && /^\d{6,20}$/.test(user) ? user : null;
}

/** LID digits of a `@lid` JID, or null. */
export function lidOfJid(jid: string | null | undefined): string | null {
  if (!jid || jidKind(jid) !== 'lid') return null;
  const user = jidDecode(jidNormalizedUser(jid))?.user;
  return user && /^\d{1,30}$/.test(user) ? user : null;
}

/** The user part of any JID (`1203630` of `1203630@g.us`), without the device suffix. */
export function jidUser(jid: string): string {
  return jidDecode(jid)?.user ?? jid.split('@')[0]!;
}

export function phoneJid(phone: string): string {
  return jidEncode(phone, 's.whatsapp.net');
}

export function lidJid(lid: string): string {
  return jidEncode(lid, 'lid');
}

/** The normalized user JID (no device), or the JID unchanged when it is not a user JID. */
export function normalizeJid(jid: string): string {
  const kind = jidKind(jid);
  return kind === 'pn' || kind === 'lid' ? jidNormalizedUser(jid) : jid;
}

/**
 * Turns what BuilderBot or a caller hands us (phone digits, "+34…", a full JID) into a JID to
 * send to. Returns null when it is none of those.
 */
export function toSendJid(target: string): string | null {
  const t = target.trim();
  if (t.includes('@')) {
    const kind = jidKind(t);
    return kind === 'pn' || kind === 'lid' || kind === 'group' ? normalizeJid(t) : null;
  }
  const digits = t.replace(/^\+/, '').replace(/[\s\-().]/g, '');
  return /^\d{6,20}$/.test(digits) ? phoneJid(digits) : null;
}

export { isJidGroup };
