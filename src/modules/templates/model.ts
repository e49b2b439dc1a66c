import type { ITemplateButton } from './template-button.entity.ts';
import type { ITemplateVariable } from './template-variable.entity.ts';

/**
 * A template's content as the pure helpers (validation, rendering, Meta components, diff) see it:
 * plain data, no entities. The service converts rows to this shape and back.
 */

export type HeaderType = 'none' | 'text' | 'image' | 'video' | 'document';
export type ButtonType = ITemplateButton['buttonType'];
export type VariableType = ITemplateVariable['variableType'];
export const VARIABLE_TYPES: readonly VariableType[] = ['text', 'phone', 'email', 'url', 'datetime'];

export interface TemplateButtonSpec {
  type: ButtonType;
  text: string;
  /** URL (visit_website) or phone (call_phone_number); null for quick replies. */
  value: string | null;
}

/** Where a variable lives: the body, the text header, or the URL of a button (by index). */
export type VariableScope = 'body' | 'header' | `button.${number}`;

export interface TemplateVariableSpec {
  scope: VariableScope;
  /** Meta's position inside its component ({{1}} → 1). */
  position: number;
  /** The name typed as {{nombre}}, or null for a plain positional variable. */
  name: string | null;
  type: VariableType;
  required: boolean;
  example: string | null;
}

export interface TemplateContent {
  headerType: HeaderType;
  /** Header text, or the media (a path under STORAGE_DIR or an http(s) URL) for media headers. */
  header: string | null;
  body: string;
  footer: string | null;
  buttons: TemplateButtonSpec[];
  variables: TemplateVariableSpec[];
}

export interface TemplateDraft extends TemplateContent {
  name: string;
  category: string;
  language: string;
}

/**
 * A word looked up in a word map, own keys only: words come from chat and Meta, and `constructor`
 * or `__proto__` must be unknown words, not Object.prototype's members.
 */
export function wordIn<V>(map: Readonly<Record<string, V>>, word: string): V | undefined {
  return Object.hasOwn(map, word) ? map[word] : undefined;
}

/** The key staff type for a variable's value, example or type: `1` (body), `encabezado`, `boton2` (URL button 2). */
export function staffKeyOf(v: Pick<TemplateVariableSpec, 'scope' | 'position'>): string {
  return v.scope === 'body' ? String(v.position) : v.scope === 'header' ? 'encabezado' : `boton${Number(v.scope.split('.')[1]) + 1}`;
}

/** `{{1}}` in the body → `{{1}}`; header → `header.{{1}}`; URL button 0 → `button.0.{{1}}`. */
export function placeholderOf(v: Pick<TemplateVariableSpec, 'scope' | 'position'>): string {
  return v.scope === 'body' ? `{{${v.position}}}` : `${v.scope}.{{${v.position}}}`;
}

export function parsePlaceholder(text: string | null | undefined): Pick<TemplateVariableSpec, 'scope' | 'position'> | null {
  const m = /^(?:(header|button\.\d+)\.)?\{\{(\d+)\}\}$/.exec(text ?? '');
  if (!m) return null;
  return { scope: (m[1] ?? 'body') as VariableScope, position: Number(m[2]) };
}
