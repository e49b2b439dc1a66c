import type { MetaTemplateComponent } from './template-graph.ts';
import type { ButtonType, HeaderType, TemplateButtonSpec, TemplateContent, TemplateVariableSpec, VariableScope } from './model.ts';
import { collectVariables, numberVariables } from './variables.ts';

/**
 * Our content ↔ the component list of Meta's `message_templates` edge: what a submission sends
 * (with the examples Meta's review requires, and the header handle of a media example), and how
 * a template created in Meta's manager is imported (header, body, footer, buttons, variables and
 * their examples).
 */

const exampleOf = (vars: TemplateVariableSpec[], scope: VariableScope) =>
  vars.filter((v) => v.scope === scope).sort((a, b) => a.position - b.position).map((v) => v.example ?? '');

const META_BUTTON: Record<ButtonType, string> = { quick_reply: 'QUICK_REPLY', visit_website: 'URL', call_phone_number: 'PHONE_NUMBER' };

export function toMetaComponents(c: TemplateContent, headerHandle?: string | null): MetaTemplateComponent[] {
  const out: MetaTemplateComponent[] = [];
  if (c.headerType === 'text' && c.header) {
    const ex = exampleOf(c.variables, 'header');
    out.push({ type: 'HEADER', format: 'TEXT', text: c.header, ...(ex.length ? { example: { header_text: ex } } : {}) });
  } else if (c.headerType !== 'none' && c.headerType !== 'text') {
    out.push({ type: 'HEADER', format: c.headerType.toUpperCase(), ...(headerHandle ? { example: { header_handle: [headerHandle] } } : {}) });
  }
  const bodyEx = exampleOf(c.variables, 'body');
  out.push({ type: 'BODY', text: c.body, ...(bodyEx.length ? { example: { body_text: [bodyEx] } } : {}) });
  if (c.footer) out.push({ type: 'FOOTER', text: c.footer });
  if (c.buttons.length) {
    out.push({
      type: 'BUTTONS',
      buttons: c.buttons.map((b, i) => {
        if (b.type === 'visit_website') {
          const ex = exampleOf(c.variables, `button.${i}`)[0];
          return { type: 'URL', text: b.text, url: b.value ?? '', ...(ex ? { example: [(b.value ?? '').replace('{{1}}', ex)] } : {}) };
        }
        if (b.type === 'call_phone_number') return { type: 'PHONE_NUMBER', text: b.text, phone_number: b.value ?? '' };
        return { type: META_BUTTON[b.type], text: b.text };
      }),
    });
  }
  return out;
}

const HEADER_FORMATS: Record<string, HeaderType> = { TEXT: 'text', IMAGE: 'image', VIDEO: 'video', DOCUMENT: 'document' };
const str = (v: unknown): string | null => (typeof v === 'string' && v.length ? v : null);

/** A template built in Meta's manager → our content. Unknown button kinds (OTP, flows …) are skipped. */
export function fromMetaComponents(components: MetaTemplateComponent[] | undefined): TemplateContent {
  let headerType: HeaderType = 'none';
  let header: string | null = null;
  let body = '';
  let footer: string | null = null;
  const buttons: TemplateButtonSpec[] = [];
  const examples = new Map<string, string>();
  const names = new Map<VariableScope, Map<number, string>>();
  for (const comp of components ?? []) {
    const type = String(comp.type ?? '').toUpperCase();
    const ex = (comp.example ?? {}) as Record<string, unknown>;
    if (type === 'HEADER') {
      headerType = HEADER_FORMATS[String(comp.format ?? 'TEXT').toUpperCase()] ?? 'none';
      if (headerType === 'text') {
        const n = numberVariables(str(comp.text) ?? '');
        header = n.text;
        names.set('header', n.names);
        (Array.isArray(ex.header_text) ? ex.header_text : []).forEach((v, i) => examples.set(`header.${i + 1}`, String(v)));
      } else if (headerType !== 'none') {
        header = str((Array.isArray(ex.header_handle) ? ex.header_handle : [])[0]);
      }
    } else if (type === 'BODY') {
      const n = numberVariables(str(comp.text) ?? '');
      body = n.text;
      names.set('body', n.names);
      const rows = Array.isArray(ex.body_text) ? (ex.body_text[0] as unknown[]) : [];
      (Array.isArray(rows) ? rows : []).forEach((v, i) => examples.set(`body.${i + 1}`, String(v)));
      const named = Array.isArray(ex.body_text_named_params) ? (ex.body_text_named_params as Array<{ param_name?: string; example?: string }>) : [];
      for (const p of named) {
        const pos = [...n.names].find(([, name]) => name === p.param_name?.toLowerCase())?.[0];
        if (pos && p.example) examples.set(`body.${pos}`, p.example);
      }
    } else if (type === 'FOOTER') {
      footer = str(comp.text);
    } else if (type === 'BUTTONS') {
      for (const b of comp.buttons ?? []) {
        const kind = String(b.type ?? '').toUpperCase();
        if (kind === 'QUICK_REPLY') buttons.push({ type: 'quick_reply', text: b.text, value: null });
        else if (kind === 'PHONE_NUMBER') buttons.push({ type: 'call_phone_number', text: b.text, value: b.phone_number ?? null });
        else if (kind === 'URL') {
          const i = buttons.length;
          buttons.push({ type: 'visit_website', text: b.text, value: b.url ?? null });
          const full = b.example?.[0];
          const prefix = (b.url ?? '').split('{{1}}')[0] ?? '';
          if (full && b.url?.includes('{{1}}')) examples.set(`button.${i}.1`, full.startsWith(prefix) ? full.slice(prefix.length) : full);
        }
      }
    }
  }
  const variables = collectVariables([
    { scope: 'header', text: headerType === 'text' ? header : null, names: names.get('header') },
    { scope: 'body', text: body, names: names.get('body') },
    ...buttons.map((b, i) => ({ scope: `button.${i}` as VariableScope, text: b.type === 'visit_website' ? b.value : null })),
  ]).map((v) => ({ ...v, example: examples.get(`${v.scope}.${v.position}`) ?? null }));
  return { headerType, header, body, footer, buttons, variables };
}
