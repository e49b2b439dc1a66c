import type { TEMPLATE_CATEGORIES } from './message-template.entity.ts';
import { wordIn } from './model.ts';

/**
 * PRD categories ↔ Meta's. Meta has three: MARKETING, UTILITY and AUTHENTICATION. AUTHENTICATION
 * only accepts Meta's fixed one-time-passcode layout (preset body, copy-code/one-tap button, no
 * free text), so none of the PRD's free-text categories can be authored as one: an OTP body
 * submitted as AUTHENTICATION is rejected. Hence:
 *   marketing → MARKETING; transactional, support, notification → UTILITY (order updates, service
 *   answers and account notices are what Meta calls utility).
 * Back from Meta (imports, and Meta re-categorising a template): a local category that already
 * maps to Meta's is kept; otherwise MARKETING → marketing, UTILITY → transactional and
 * AUTHENTICATION (templates built in Meta's manager) → notification.
 */

export type PrdCategory = (typeof TEMPLATE_CATEGORIES)[number];
export type MetaCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

const TO_META: Record<PrdCategory, MetaCategory> = {
  marketing: 'MARKETING',
  transactional: 'UTILITY',
  support: 'UTILITY',
  notification: 'UTILITY',
};

const FROM_META: Record<MetaCategory, PrdCategory> = {
  MARKETING: 'marketing',
  UTILITY: 'transactional',
  AUTHENTICATION: 'notification',
};

/** Spanish words staff may type for a category. */
const ALIASES: Record<string, PrdCategory> = {
  marketing: 'marketing',
  transactional: 'transactional',
  transaccional: 'transactional',
  support: 'support',
  soporte: 'support',
  notification: 'notification',
  notificacion: 'notification',
  'notificación': 'notification',
};

export function parseCategory(word: string | null | undefined): PrdCategory | null {
  return wordIn(ALIASES, (word ?? '').trim().toLowerCase()) ?? null;
}

export function toMetaCategory(c: PrdCategory): MetaCategory {
  return TO_META[c];
}

export function fromMetaCategory(meta: string | null | undefined, current?: PrdCategory | null): PrdCategory | null {
  const m = (meta ?? '').toUpperCase() as MetaCategory;
  if (!(m in FROM_META)) return null;
  if (current && TO_META[current] === m) return current;
  return FROM_META[m];
}
