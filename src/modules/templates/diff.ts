import { t } from '../../shared/i18n/index.ts';
import type { TemplateButtonSpec } from './model.ts';

/**
 * What `template_versions` keeps of each version (header, body, footer, buttons) and the diff
 * `/plantilla historial` shows between consecutive versions: one line per changed field, before
 * → after.
 */

export interface VersionSnapshot {
  headerType: string;
  header: string | null;
  body: string;
  footer: string | null;
  buttons: TemplateButtonSpec[];
}

const show = (v: string | null | undefined) => (v ? `«${v.length > 120 ? `${v.slice(0, 117)}…` : v}»` : '—');
const buttonsText = (b: TemplateButtonSpec[]) => (b.length ? b.map((x) => `${x.type}:${x.text}${x.value ? `:${x.value}` : ''}`).join(', ') : null);

export function sameContent(a: VersionSnapshot, b: VersionSnapshot): boolean {
  return diffVersions(a, b).length === 0;
}

export function diffVersions(before: VersionSnapshot, after: VersionSnapshot): string[] {
  const lines: string[] = [];
  const field = (key: string, a: string | null, b: string | null) => {
    if ((a ?? null) !== (b ?? null)) lines.push(`  ${t(`templates.field.${key}`)}: ${show(a)} → ${show(b)}`);
  };
  field('encabezado_tipo', before.headerType, after.headerType);
  field('encabezado', before.header, after.header);
  field('cuerpo', before.body, after.body);
  field('pie', before.footer, after.footer);
  field('botones', buttonsText(before.buttons), buttonsText(after.buttons));
  return lines;
}
