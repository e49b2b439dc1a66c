import { normalizePhone } from '../../shared/phone.ts';
import { ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import type { TemplateComponent } from '../../transport/types.ts';
import { placeholderOf, staffKeyOf, wordIn, type TemplateContent, type TemplateVariableSpec } from './model.ts';
import { positionsIn } from './variables.ts';

/**
 * Rendering, pure: a template's content + the client's data + explicit values → the Cloud API
 * `components` (header/body/button parameters) and the plain text Baileys sends (header, body,
 * footer, buttons as numbered options with URL buttons as their link). Missing required values
 * are an error before anything is sent.
 */

export interface ClientData {
  nombre?: string | null;
  phone?: string | null;
  email?: string | null;
  lastOrder?: { id: number | string; ref?: string | null; total?: string | null; currency?: string | null; estado?: string | null; date?: Date | null } | null;
}

export interface RenderInput {
  /** The template's name, for error messages. */
  name?: string;
  content: TemplateContent;
  client?: ClientData;
  /** By position (`1`), by name (`nombre`), `encabezado` for the header, `boton1` … for URL buttons. */
  values?: Record<string, string>;
  /** A media header as Meta takes it: an uploaded media id or a public link. */
  headerMedia?: { id?: string; link?: string; fileName?: string } | null;
  timeZone?: string;
}

export interface Rendered {
  components: TemplateComponent[];
  text: string;
}

/** Named variables filled from the client's data (Spanish names as staff type them, and English). */
const CLIENT_FIELDS: Record<string, (c: ClientData) => string | null | undefined> = {
  nombre: (c) => c.nombre,
  name: (c) => c.nombre,
  telefono: (c) => (c.phone ? `+${c.phone}` : null),
  phone: (c) => (c.phone ? `+${c.phone}` : null),
  email: (c) => c.email,
  correo: (c) => c.email,
  pedido: (c) => (c.lastOrder ? c.lastOrder.ref || String(c.lastOrder.id) : null),
  ultimo_pedido: (c) => (c.lastOrder ? c.lastOrder.ref || String(c.lastOrder.id) : null),
  total: (c) => (c.lastOrder?.total ? `${c.lastOrder.total} ${c.lastOrder.currency ?? ''}`.trim() : null),
  total_pedido: (c) => (c.lastOrder?.total ? `${c.lastOrder.total} ${c.lastOrder.currency ?? ''}`.trim() : null),
  estado_pedido: (c) => c.lastOrder?.estado,
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URLISH = /^https?:\/\/\S+$/;

function keysFor(v: TemplateVariableSpec): string[] {
  // The staff key, and the English/placeholder spellings the API also accepts.
  const keys = [staffKeyOf(v), ...(v.scope === 'body' ? [`{{${v.position}}}`] : v.scope === 'header' ? ['header', `header.${v.position}`] : [v.scope])];
  return v.name ? [...keys, v.name] : keys;
}

function typed(v: TemplateVariableSpec, raw: string, timeZone?: string): string {
  const bad = () => new ValidationError(t('templates.bad_value', { placeholder: placeholderOf(v), type: v.type, value: raw.slice(0, 60) }), { variable: placeholderOf(v) }, 'TEMPLATE_BAD_VALUE');
  switch (v.type) {
    case 'phone': {
      const digits = normalizePhone(raw);
      if (!digits) throw bad();
      return `+${digits}`;
    }
    case 'email':
      if (!EMAIL.test(raw)) throw bad();
      return raw;
    case 'url':
      if (!URLISH.test(raw)) throw bad();
      return raw;
    case 'datetime': {
      const at = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : null;
      if (!at || Number.isNaN(at.getTime())) return raw;
      return at.toLocaleString('es-ES', { timeZone, dateStyle: 'medium', ...(raw.length > 10 ? { timeStyle: 'short' } : {}) });
    }
    default:
      return raw;
  }
}

/** Fills every variable, or throws listing the missing required ones. */
function resolveValues(input: RenderInput): Map<string, string> {
  const values = new Map(Object.entries(input.values ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const out = new Map<string, string>();
  const missing: string[] = [];
  for (const v of input.content.variables) {
    const explicit = keysFor(v).map((k) => values.get(k.toLowerCase())).find((x) => x !== undefined && x.trim() !== '');
    const fromClient = v.name && input.client ? wordIn(CLIENT_FIELDS, v.name)?.(input.client) : null;
    const raw = explicit ?? (fromClient || null);
    if (raw === null) {
      if (v.required) missing.push(v.name ? `${placeholderOf(v)} (${v.name})` : placeholderOf(v));
      // Meta refuses empty parameters: an optional value left out shows as a dash.
      else out.set(placeholderOf(v), '—');
      continue;
    }
    out.set(placeholderOf(v), typed(v, raw.trim(), input.timeZone));
  }
  if (missing.length) {
    throw new ValidationError(t('templates.missing_values', { name: input.name ?? '', list: missing.join(', ') }), { missing }, 'TEMPLATE_MISSING_VALUES');
  }
  return out;
}

const fill = (text: string, scope: string, values: Map<string, string>) =>
  text.replace(/\{\{(\d+)\}\}/g, (m, n: string) => values.get(scope === 'body' ? `{{${n}}}` : `${scope}.{{${n}}}`) ?? m);

const params = (text: string | null, scope: string, values: Map<string, string>) =>
  positionsIn(text).map((n) => ({ type: 'text', text: values.get(scope === 'body' ? `{{${n}}}` : `${scope}.{{${n}}}`) ?? '' }));

export function renderTemplate(input: RenderInput): Rendered {
  const { content } = input;
  const values = resolveValues(input);
  const components: TemplateComponent[] = [];
  const lines: string[] = [];

  if (content.headerType === 'text' && content.header) {
    const p = params(content.header, 'header', values);
    if (p.length) components.push({ type: 'header', parameters: p });
    lines.push(`*${fill(content.header, 'header', values)}*`);
  } else if (content.headerType !== 'none' && content.headerType !== 'text') {
    const media = input.headerMedia ?? (content.header && /^https?:\/\//.test(content.header) ? { link: content.header } : null);
    if (media) {
      const ref: Record<string, string> = media.id ? { id: media.id } : { link: media.link! };
      if (content.headerType === 'document' && media.fileName) ref.filename = media.fileName;
      components.push({ type: 'header', parameters: [{ type: content.headerType, [content.headerType]: ref }] });
      if (media.link) lines.push(media.link);
    }
  }

  const bodyParams = params(content.body, 'body', values);
  if (bodyParams.length) components.push({ type: 'body', parameters: bodyParams });
  lines.push(fill(content.body, 'body', values));
  if (content.footer) lines.push(`_${content.footer}_`);

  const options: string[] = [];
  content.buttons.forEach((b, i) => {
    const scope = `button.${i}`;
    if (b.type === 'visit_website') {
      const url = fill(b.value ?? '', scope, values);
      const suffix = params(b.value, scope, values);
      if (suffix.length) components.push({ type: 'button', sub_type: 'url', index: String(i), parameters: suffix });
      options.push(`${options.length + 1}. ${b.text}: ${url}`);
    } else if (b.type === 'call_phone_number') {
      options.push(`${options.length + 1}. ${b.text}: ${b.value ?? ''}`);
    } else {
      components.push({ type: 'button', sub_type: 'quick_reply', index: String(i), parameters: [{ type: 'payload', payload: b.text }] });
      options.push(`${options.length + 1}. ${b.text}`);
    }
  });
  if (options.length) lines.push(options.join('\n'));
  return { components, text: lines.join('\n\n') };
}
