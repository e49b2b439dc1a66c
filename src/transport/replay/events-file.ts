import { mediaFileProblem } from './media.ts';

/**
 * The replay file format: one JSON object per line, `{"type": <Baileys event name>, "data":
 * <its payload>}`, exactly as the socket emits them (see README). Validation is about shape
 * only, with a Spanish message saying what was wrong and what is expected.
 */

export const REPLAY_EVENT_TYPES = [
  'messages.upsert',
  'messages.update',
  'message-receipt.update',
  'groups.upsert',
  'groups.update',
  'group-participants.update',
  'contacts.upsert',
  'lid-mapping.update',
  'connection.update',
] as const;

export type ReplayEventType = (typeof REPLAY_EVENT_TYPES)[number];

export interface ReplayEvent {
  type: ReplayEventType;
  data: any;
}

export class ReplayLineError extends Error {
  readonly line: number | null;
  constructor(message: string, line: number | null = null) {
    super(line === null ? message : `línea ${line}: ${message}`);
    this.name = 'ReplayLineError';
    this.line = line;
  }
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const EXAMPLE = '{"type":"messages.upsert","data":{"type":"notify","messages":[{"key":{"remoteJid":"34600000001@s.whatsapp.net","fromMe":false,"id":"3EB0A1"},"messageTimestamp":1732420000,"pushName":"Ana","message":{"conversation":"hola"}}]}}';

function checkShape(type: ReplayEventType, data: unknown): string | null {
  switch (type) {
    case 'messages.upsert': {
      if (!isObject(data) || !Array.isArray(data.messages)) return '"data" debe ser {"type":"notify"|"append","messages":[…]}';
      if (data.type !== undefined && data.type !== 'notify' && data.type !== 'append') return `"data.type" debe ser "notify" o "append" (llegó ${JSON.stringify(data.type)})`;
      for (const [i, m] of data.messages.entries()) {
        if (!isObject(m) || !isObject(m.key) || typeof m.key.remoteJid !== 'string' || typeof m.key.id !== 'string') {
          return `el mensaje ${i + 1} necesita "key" con "remoteJid" e "id" (texto)`;
        }
        const mediaProblem = m.mediaFile === undefined ? null : mediaFileProblem(m.mediaFile);
        if (mediaProblem) return `el mensaje ${i + 1}: ${mediaProblem}`;
      }
      return null;
    }
    case 'messages.update':
    case 'message-receipt.update':
      if (!Array.isArray(data) || data.some((u) => !isObject(u) || !isObject(u.key))) return '"data" debe ser una lista de objetos con "key"';
      return null;
    case 'groups.upsert':
    case 'groups.update':
      if (!Array.isArray(data) || data.some((g) => !isObject(g) || typeof g.id !== 'string')) return '"data" debe ser una lista de grupos con "id" (…@g.us)';
      return null;
    case 'group-participants.update':
      if (!isObject(data) || typeof data.id !== 'string' || !Array.isArray(data.participants)) return '"data" debe ser {"id":"…@g.us","participants":[…],"action":"add|remove|promote|demote"}';
      if (!['add', 'remove', 'promote', 'demote', 'modify'].includes(data.action)) return `"action" debe ser add, remove, promote, demote o modify (llegó ${JSON.stringify(data.action)})`;
      return null;
    case 'contacts.upsert':
      if (!Array.isArray(data) || data.some((c) => !isObject(c) || typeof c.id !== 'string')) return '"data" debe ser una lista de contactos con "id"';
      return null;
    case 'lid-mapping.update':
      if (!isObject(data) || typeof data.lid !== 'string' || typeof data.pn !== 'string') return '"data" debe ser {"lid":"…@lid","pn":"…@s.whatsapp.net"}';
      return null;
    case 'connection.update':
      if (!isObject(data)) return '"data" debe ser un objeto, p. ej. {"connection":"open"}';
      return null;
  }
}

/** Validates an event object (from a file line or from a test). */
export function validateReplayEvent(value: unknown, line: number | null = null): ReplayEvent {
  if (!isObject(value)) throw new ReplayLineError(`se esperaba un objeto JSON como ${EXAMPLE}`, line);
  const type = value.type;
  if (typeof type !== 'string' || !(REPLAY_EVENT_TYPES as readonly string[]).includes(type)) {
    throw new ReplayLineError(`tipo de evento desconocido ${JSON.stringify(type)}; tipos válidos: ${REPLAY_EVENT_TYPES.join(', ')}`, line);
  }
  if (!('data' in value)) throw new ReplayLineError(`falta "data" (el contenido del evento ${type})`, line);
  const problem = checkShape(type as ReplayEventType, value.data);
  if (problem) throw new ReplayLineError(`${type}: ${problem}`, line);
  if (type === 'messages.upsert' && value.data.type === undefined) value.data.type = 'notify';
  return value as unknown as ReplayEvent;
}

/** Parses one line; blank lines give null. */
export function parseReplayLine(raw: string, line: number): ReplayEvent | null {
  // Windows editors save UTF-8 with a byte-order mark: it is not part of the first line's JSON.
  const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
  if (!text.trim()) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ReplayLineError(`no es JSON válido (${(err as Error).message}). Cada línea debe ser un objeto como ${EXAMPLE}`, line);
  }
  return validateReplayEvent(value, line);
}

/** The newest timestamp an event carries (messages and receipts), for the replay clock. */
export function eventTime(e: ReplayEvent): Date | null {
  const secs: number[] = [];
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN);
  if (e.type === 'messages.upsert') for (const m of e.data.messages) secs.push(num(m.messageTimestamp));
  if (e.type === 'message-receipt.update') {
    for (const r of e.data) for (const k of ['receiptTimestamp', 'readTimestamp', 'playedTimestamp']) secs.push(num(r?.receipt?.[k]));
  }
  // Same bound as the adapter (year 9999): one absurd timestamp must not throw replay time ahead.
  const valid = secs.filter((s) => Number.isFinite(s) && s > 0 && s <= 253_402_300_799);
  return valid.length ? new Date(Math.max(...valid) * 1000) : null;
}
