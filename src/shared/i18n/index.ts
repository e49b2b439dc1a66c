import { common } from './es/common.ts';
import { http } from './es/http.ts';
import { admin } from './es/admin.ts';
import { flows } from './es/flows.ts';
import { segments } from './es/segments.ts';
import { templates } from './es/templates.ts';
import { files } from './es/files.ts';
import { channels } from './es/channels.ts';
import { reports } from './es/reports.ts';
import { groups } from './es/groups.ts';

/**
 * The one message catalog: everything the bot says to people, Spanish by default. Each domain
 * contributes a part (./es/<domain>.ts); keys are `<domain>.<name>`. `{name}` placeholders are
 * filled from `vars`; a doubled `{{1}}` is left as written.
 */
/** Merges the parts; a key defined twice is a programming error (one would silently win). */
function mergeParts(...parts: Array<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) {
      if (k in out) throw new Error(`i18n: duplicate key ${k}`);
      out[k] = v;
    }
  }
  return out;
}

const catalog = mergeParts(common, http, admin, flows, segments, templates, files, channels, reports, groups);

/** Every key of the catalog (tests check that each key the code uses exists). */
export const messageKeys: ReadonlySet<string> = new Set(Object.keys(catalog));

export function t(key: string, vars: Record<string, string | number | null | undefined> = {}): string {
  const template = catalog[key];
  if (template === undefined) return key;
  // `{{1}}` (Meta's variable syntax, quoted in template messages) is text, not a placeholder.
  return template.replace(/(?<!\{)\{(\w+)\}(?!\})/g, (_, name: string) => {
    const v = vars[name];
    return v === undefined || v === null ? '' : typeof v === 'number' ? formatNumber(v) : v;
  });
}

/** Spanish number formatting with thin grouping ("12 480"), as the bot writes counts. */
export function formatNumber(n: number): string {
  return Number.isInteger(n)
    ? n.toLocaleString('es-ES', { useGrouping: 'always' }).replace(/\./g, ' ')
    : n.toLocaleString('es-ES', { maximumFractionDigits: 2, useGrouping: 'always' }).replace(/\./g, ' ');
}
