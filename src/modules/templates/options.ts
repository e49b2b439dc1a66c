import { ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { wordIn, type ButtonType, type HeaderType, type TemplateButtonSpec, type VariableType } from './model.ts';

/**
 * Chat options (`cuerpo="…" boton=web:Ver:https://… ejemplo1=Ana tipo2=telefono`) → the
 * service's input. Pure: the service validates the result against Meta's rules.
 */

export interface VariableMeta {
  type?: VariableType;
  required?: boolean;
  example?: string;
}

export interface ContentInput {
  body?: string;
  header?: string | null;
  headerType?: HeaderType;
  /** A path under STORAGE_DIR, an http(s) URL, or `ultimo` (the last file the caller sent in chat). */
  headerFile?: string;
  footer?: string | null;
  /** The whole button list (replaces the current one). */
  buttons?: TemplateButtonSpec[];
  /** `botonN=` typed in chat: sets (or with `ninguno` removes) button N, keeping the others. */
  buttonSlots?: Array<[number, TemplateButtonSpec | null]>;
  category?: string;
  language?: string;
  /** By key: `1`, a variable name, `encabezado`, `boton1` … */
  variables?: Record<string, VariableMeta>;
}

const BUTTON_WORDS: Record<string, ButtonType> = {
  respuesta: 'quick_reply', quick_reply: 'quick_reply', rapida: 'quick_reply',
  web: 'visit_website', url: 'visit_website', visit_website: 'visit_website', enlace: 'visit_website',
  llamar: 'call_phone_number', telefono: 'call_phone_number', call_phone_number: 'call_phone_number', llamada: 'call_phone_number',
};
const HEADER_WORDS: Record<string, HeaderType> = {
  texto: 'text', text: 'text', imagen: 'image', image: 'image', video: 'video', documento: 'document', document: 'document', ninguno: 'none', none: 'none',
};
const TYPE_WORDS: Record<string, VariableType> = {
  texto: 'text', text: 'text', telefono: 'phone', phone: 'phone', email: 'email', correo: 'email', url: 'url', enlace: 'url', fecha: 'datetime', datetime: 'datetime',
};
const YES = new Set(['si', 'sí', 'yes', 'true', '1']);
const NO = new Set(['no', 'false', '0']);

/** `web:Ver pedido:https://tienda.es/p/{{1}}` → a button (the value keeps its own colons). */
function parseButton(spec: string): TemplateButtonSpec {
  const [kind = '', text = '', ...rest] = spec.split(':');
  const type = wordIn(BUTTON_WORDS, kind.trim().toLowerCase());
  if (!type || !text.trim()) throw new ValidationError(t('templates.rule.botones', { detail: t('templates.buttons.spec', { value: spec.slice(0, 80) }) }), { rule: 'botones' }, 'TEMPLATE_INVALID');
  const value = rest.join(':').trim() || null;
  return { type, text: text.trim(), value: type === 'quick_reply' ? null : value };
}

function parseHeaderType(word: string): HeaderType {
  const type = wordIn(HEADER_WORDS, word.trim().toLowerCase());
  if (!type) throw new ValidationError(t('admin.args.invalid', { name: 'encabezado_tipo', detail: t('templates.args.header_type') }));
  return type;
}

const META_KEY = /^(ejemplo|tipo|opcional)_?(.+)$/;
const CONTENT_KEYS = new Set(['cuerpo', 'encabezado', 'encabezado_tipo', 'encabezado_archivo', 'pie', 'categoria', 'idioma']);

/**
 * Reads the content options of `/plantilla crear|editar`; other keys in `allowed` pass through
 * (e.g. `motivo`), anything else is an unknown option.
 */
export function contentFromOptions(options: Record<string, string | undefined>, allowed: readonly string[] = []): ContentInput {
  const out: ContentInput = {};
  const buttons: Array<[number, TemplateButtonSpec | null]> = [];
  const unknown: string[] = [];
  for (const [key, raw] of Object.entries(options)) {
    if (raw === undefined || allowed.includes(key)) continue;
    const value = raw;
    const btn = /^boton([1-9]\d?)?$/.exec(key);
    const meta = META_KEY.exec(key);
    if (key === 'botones') {
      if (!/^(ninguno|none)$/i.test(value.trim())) throw new ValidationError(t('admin.args.invalid', { name: 'botones', detail: t('templates.args.buttons_none') }));
      out.buttons = [];
    } else if (btn) {
      const n = btn[1] ? Number(btn[1]) : 1;
      buttons.push([n, /^(ninguno|none|)$/i.test(value.trim()) ? null : parseButton(value)]);
    } else if (CONTENT_KEYS.has(key)) {
      if (key === 'cuerpo') out.body = value;
      else if (key === 'encabezado') out.header = value || null;
      else if (key === 'encabezado_tipo') out.headerType = parseHeaderType(value);
      else if (key === 'encabezado_archivo') out.headerFile = value;
      else if (key === 'pie') out.footer = value || null;
      else if (key === 'categoria') out.category = value;
      else if (key === 'idioma') out.language = value;
    } else if (meta) {
      const [, what, target] = meta;
      // Null prototype: `ejemplo___proto__=` is a key like any other, never Object.prototype.
      const vars: Record<string, VariableMeta> = (out.variables ??= Object.create(null));
      const entry = (vars[target!.toLowerCase()] ??= {});
      if (what === 'ejemplo') entry.example = value;
      else if (what === 'tipo') {
        const type = wordIn(TYPE_WORDS, value.trim().toLowerCase());
        if (!type) throw new ValidationError(t('templates.rule.variable_tipo', { value: value.slice(0, 30) }), { rule: 'variable_tipo' }, 'TEMPLATE_INVALID');
        entry.type = type;
      } else {
        const v = value.trim().toLowerCase();
        if (!YES.has(v) && !NO.has(v)) throw new ValidationError(t('admin.args.invalid', { name: key, detail: t('templates.args.yes_no') }));
        entry.required = !YES.has(v);
      }
    } else unknown.push(key);
  }
  if (unknown.length) throw new ValidationError(t('admin.args.unknown_option', { keys: unknown.join(', ').slice(0, 80) }));
  if (buttons.length) out.buttonSlots = buttons.sort((a, b) => a[0] - b[0]);
  return out;
}
