import { t } from '../../shared/i18n/index.ts';
import { parseCategory } from './category.ts';
import type { TemplateDraft } from './model.ts';
import { placeholderOf, staffKeyOf, VARIABLE_TYPES } from './model.ts';
import { positionsIn } from './variables.ts';

/**
 * Meta's template rules, checked before anything is saved or submitted. Each violation names its
 * rule in Spanish (what staff read) and carries a stable id (what tests and the API use).
 */

export interface Violation {
  rule: string;
  message: string;
}

/** Language codes Meta accepts for templates. */
const META_LANGUAGES = new Set(
  ('af sq ar az bn bg ca zh_CN zh_HK zh_TW hr cs da nl en en_GB en_US et fil fi fr ka de el gu ha he hi hu id ga it ja kn kk ' +
    'rw_RW ko ky_KG lo lv lt mk ms ml mr nb fa pl pt_BR pt_PT pa ro ru sr sk sl es es_AR es_ES es_MX sw sv ta te th tr uk ur uz vi zu').split(' '),
);

const LIMITS = { name: 512, body: 1024, header: 60, footer: 60, buttonText: 25, buttons: 10, quickReplies: 10, urlButtons: 2, phoneButtons: 1 } as const;

const URL_BUTTON = /^https?:\/\/[^\s{}]+?(\{\{1\}\})?$/;
const INTL_PHONE = /^\+[1-9]\d{7,14}$/;

function checkButtons(d: TemplateDraft, out: Violation[]): void {
  const push = (detail: string) => out.push({ rule: 'botones', message: t('templates.rule.botones', { detail }) });
  const b = d.buttons;
  if (b.length > LIMITS.buttons) push(t('templates.buttons.too_many', { count: b.length }));
  const count = (type: string) => b.filter((x) => x.type === type).length;
  const caps: Array<[string, number, string]> = [
    ['quick_reply', LIMITS.quickReplies, 'respuesta'],
    ['visit_website', LIMITS.urlButtons, 'web'],
    ['call_phone_number', LIMITS.phoneButtons, 'llamar'],
  ];
  for (const [type, max, kind] of caps) if (count(type) > max) push(t('templates.buttons.too_many_kind', { max, kind, count: count(type) }));
  const bad = b.find((x) => !x.text.trim() || [...x.text].length > LIMITS.buttonText);
  if (bad) push(t('templates.buttons.text', { value: bad.text }));
  // Meta groups quick replies and call-to-action buttons: QR…QR CTA…CTA or CTA…CTA QR…QR.
  const kinds = b.map((x) => (x.type === 'quick_reply' ? 'q' : 'c')).join('').replace(/(.)\1+/g, '$1');
  if (kinds.length > 2) push(t('templates.buttons.grouped'));
  for (const x of b) {
    if (x.type === 'visit_website' && !(x.value && URL_BUTTON.test(x.value) && (x.value.match(/\{\{/g) ?? []).length <= 1)) {
      out.push({ rule: 'boton_url', message: t('templates.rule.boton_url', { value: x.value ?? '' }) });
    }
    if (x.type === 'call_phone_number' && !(x.value && INTL_PHONE.test(x.value))) {
      out.push({ rule: 'boton_telefono', message: t('templates.rule.boton_telefono', { value: x.value ?? '' }) });
    }
  }
}

function checkVariables(d: TemplateDraft, out: Violation[]): void {
  const found = positionsIn(d.body);
  if (found.some((p, i) => p !== i + 1)) {
    out.push({ rule: 'variables_secuenciales', message: t('templates.rule.variables_secuenciales', { found: found.map((p) => `{{${p}}}`).join(', ') }) });
  }
  const body = d.body.trim();
  if (/^\{\{\d+\}\}/.test(body) || /\{\{\d+\}\}$/.test(body)) {
    out.push({ rule: 'variables_extremos', message: t('templates.rule.variables_extremos') });
  }
  for (const v of d.variables) {
    if (!VARIABLE_TYPES.includes(v.type)) out.push({ rule: 'variable_tipo', message: t('templates.rule.variable_tipo', { value: String(v.type) }) });
    if (!v.example?.trim()) {
      const position = v.scope === 'body' ? String(v.position) : `_${staffKeyOf(v)}`;
      out.push({ rule: 'variables_ejemplo', message: t('templates.rule.variables_ejemplo', { placeholder: placeholderOf(v), position }) });
    }
  }
}

export function validateTemplate(d: TemplateDraft): Violation[] {
  const out: Violation[] = [];
  if (!/^[a-z0-9_]+$/.test(d.name) || d.name.length > LIMITS.name) out.push({ rule: 'nombre', message: t('templates.rule.nombre', { value: d.name.slice(0, 60) }) });
  if (!META_LANGUAGES.has(d.language)) out.push({ rule: 'idioma', message: t('templates.rule.idioma', { value: d.language.slice(0, 20) }) });
  if (!parseCategory(d.category)) out.push({ rule: 'categoria', message: t('templates.rule.categoria', { value: d.category.slice(0, 30) }) });
  if (!d.body.trim()) out.push({ rule: 'cuerpo', message: t('templates.rule.cuerpo_vacio') });
  const bodyLength = [...d.body].length;
  if (bodyLength > LIMITS.body) out.push({ rule: 'cuerpo', message: t('templates.rule.cuerpo_largo', { length: bodyLength }) });
  if (d.headerType === 'text' && d.header) {
    const length = [...d.header].length;
    if (length > LIMITS.header) out.push({ rule: 'encabezado', message: t('templates.rule.encabezado_largo', { length }) });
    const vars = positionsIn(d.header);
    if (vars.length > 1 || (vars.length === 1 && vars[0] !== 1)) out.push({ rule: 'encabezado_variables', message: t('templates.rule.encabezado_variables') });
  }
  if (d.headerType !== 'none' && d.headerType !== 'text' && !d.header) {
    out.push({ rule: 'encabezado_multimedia', message: t('templates.rule.encabezado_multimedia', { type: d.headerType }) });
  }
  if (d.footer) {
    const length = [...d.footer].length;
    if (length > LIMITS.footer) out.push({ rule: 'pie', message: t('templates.rule.pie_largo', { length }) });
    if (/\{\{/.test(d.footer)) out.push({ rule: 'pie_variables', message: t('templates.rule.pie_variables') });
  }
  checkVariables(d, out);
  checkButtons(d, out);
  return out;
}
