import { common } from './es/common.ts';
import { http } from './es/http.ts';
import { admin } from './es/admin.ts';
import { flows } from './es/flows.ts';

/**
 * The one message catalog: everything the bot says to people, Spanish by default. Each domain
 * contributes a part (./es/<domain>.ts); keys are `<domain>.<name>`. `{name}` placeholders are
 * filled from `vars`.
 */
const catalog: Record<string, string> = { ...common, ...http, ...admin, ...flows };

/** Registers a catalog part; duplicate keys are a programming error. */
export function registerMessages(part: Record<string, string>): void {
  for (const [k, v] of Object.entries(part)) {
    if (k in catalog && catalog[k] !== v) throw new Error(`i18n: duplicate key ${k}`);
    catalog[k] = v;
  }
}

export function t(key: string, vars: Record<string, string | number | null | undefined> = {}): string {
  const template = catalog[key];
  if (template === undefined) return key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = vars[name];
    return v === undefined || v === null ? '' : typeof v === 'number' ? formatNumber(v) : v;
  });
}

export function hasMessage(key: string): boolean {
  return key in catalog;
}

/** Spanish number formatting with thin grouping ("12 480"), as the bot writes counts. */
export function formatNumber(n: number): string {
  return Number.isInteger(n)
    ? n.toLocaleString('es-ES', { useGrouping: 'always' }).replace(/\./g, ' ')
    : n.toLocaleString('es-ES', { maximumFractionDigits: 2, useGrouping: 'always' }).replace(/\./g, ' ');
}
