import type { EntityManager } from '@mikro-orm/sql';
import { MessageTemplate, type IMessageTemplate } from './message-template.entity.ts';
import { TemplateButton } from './template-button.entity.ts';
import { TemplateVariable } from './template-variable.entity.ts';
import { parsePlaceholder, placeholderOf, staffKeyOf, type HeaderType, type TemplateContent, type VariableScope } from './model.ts';
import type { ContentInput } from './options.ts';
import { collectVariables, numberVariables } from './variables.ts';
import type { VersionSnapshot } from './diff.ts';
import type { ITemplateVersion } from './template-version.entity.ts';

/** Rows ↔ content: loading a template's buttons and variables, writing them back, merging edits. */

export interface LoadedTemplate {
  tpl: IMessageTemplate;
  content: TemplateContent;
}

function headerTypeOf(tpl: Pick<IMessageTemplate, 'headerType' | 'headerContent'>): HeaderType {
  return tpl.headerType === 'text' && !tpl.headerContent ? 'none' : tpl.headerType;
}

/** Header, then body, then buttons in order: the order Meta's components (and people) read them. */
const scopeRank = (scope: string) => (scope === 'header' ? -1 : scope === 'body' ? 0 : 1 + Number(scope.split('.')[1]));

export async function loadContent(em: EntityManager, tpl: IMessageTemplate): Promise<TemplateContent> {
  const [buttons, vars] = await Promise.all([
    em.find(TemplateButton, { template: tpl.templateId } as never, { orderBy: { buttonOrder: 'asc' } }),
    em.find(TemplateVariable, { template: tpl.templateId } as never),
  ]);
  const variables = vars
    .map((v) => {
      const at = parsePlaceholder(v.variablePlaceholder);
      return at ? { ...at, name: v.variableName ?? null, type: v.variableType, required: v.isRequired, example: v.exampleValue ?? null } : null;
    })
    .filter((v) => v !== null)
    .sort((a, b) => scopeRank(a.scope) - scopeRank(b.scope) || a.position - b.position);
  return {
    headerType: headerTypeOf(tpl),
    header: tpl.headerContent ?? null,
    body: tpl.bodyText,
    footer: tpl.footerText ?? null,
    buttons: buttons.map((b) => ({ type: b.buttonType, text: b.buttonText, value: b.buttonValue ?? null })),
    variables,
  };
}

export async function findByName(em: EntityManager, name: string): Promise<IMessageTemplate | null> {
  return em.findOne(MessageTemplate, { templateName: name.trim().toLowerCase() } as never);
}

/** Replaces the template's button and variable rows with `content`'s. */
export async function writeChildren(em: EntityManager, tpl: IMessageTemplate, content: TemplateContent): Promise<void> {
  await em.nativeDelete(TemplateButton, { template: tpl.templateId } as never);
  await em.nativeDelete(TemplateVariable, { template: tpl.templateId } as never);
  content.buttons.forEach((b, i) =>
    em.create(TemplateButton, { template: tpl, buttonText: b.text, buttonType: b.type, buttonValue: b.value, buttonOrder: i } as never),
  );
  for (const v of content.variables) {
    em.create(TemplateVariable, {
      template: tpl,
      variableName: v.name,
      variablePlaceholder: placeholderOf(v),
      variableType: v.type,
      isRequired: v.required,
      exampleValue: v.example,
    } as never);
  }
}

export function applyContentToRow(tpl: IMessageTemplate, c: TemplateContent): void {
  tpl.headerType = c.headerType === 'none' ? 'text' : c.headerType;
  tpl.headerContent = c.headerType === 'none' ? null : c.header;
  tpl.bodyText = c.body;
  tpl.footerText = c.footer;
}

export function snapshotOf(c: TemplateContent): VersionSnapshot & { variables: TemplateContent['variables'] } {
  return { headerType: c.headerType, header: c.header, body: c.body, footer: c.footer, buttons: c.buttons, variables: c.variables };
}

/** The variable meta key a staff member types for a variable: `1` / its name, `encabezado`, `boton1`. */
function metaKeys(v: { scope: VariableScope; position: number; name: string | null }): string[] {
  return v.name ? [staffKeyOf(v), v.name] : [staffKeyOf(v)];
}

/**
 * Merges an edit (or a creation, from an empty content) into a full content: named variables get
 * positions, the variable list follows the texts, and types/examples typed by staff are applied.
 */
export function mergeContent(prev: TemplateContent, input: ContentInput, headerMedia: string | null): TemplateContent {
  const known = (scope: VariableScope) => new Map(prev.variables.filter((v) => v.scope === scope && v.name).map((v) => [v.name!, v.position]));
  let headerType = input.headerType ?? prev.headerType;
  if (input.headerType === undefined && input.header !== undefined) headerType = input.header ? 'text' : 'none';
  const headerIn = headerType === 'text' ? (input.header !== undefined ? input.header : prev.headerType === 'text' ? prev.header : null) : null;
  const header = headerIn ? numberVariables(headerIn, known('header')) : null;
  const body = numberVariables(input.body ?? prev.body, known('body'));
  const buttons = buttonsAfter(prev.buttons, input).map((b, i) => {
    if (b.type !== 'visit_website' || !b.value) return { b, names: undefined };
    const n = numberVariables(b.value, known(`button.${i}`));
    return { b: { ...b, value: n.text }, names: n.names };
  });
  const media = headerType !== 'text' && headerType !== 'none' ? (headerMedia ?? (prev.headerType === headerType ? prev.header : null)) : null;
  const variables = collectVariables(
    [
      { scope: 'header', text: header?.text ?? null, names: header?.names },
      { scope: 'body', text: body.text, names: body.names },
      ...buttons.map(({ b, names }, i) => ({ scope: `button.${i}` as VariableScope, text: b.type === 'visit_website' ? b.value : null, names })),
    ],
    prev.variables,
  ).map((v) => {
    const meta = metaKeys(v).map((k) => input.variables?.[k]).filter(Boolean);
    return Object.assign({ ...v }, ...meta.map((m) => Object.fromEntries(Object.entries(m!).filter(([, x]) => x !== undefined))));
  });
  return {
    headerType,
    header: headerType === 'text' ? (header?.text ?? null) : media,
    body: body.text,
    footer: input.footer !== undefined ? input.footer : prev.footer,
    buttons: buttons.map((x) => x.b),
    variables,
  };
}

/** The button list after an edit: a whole new list (`botones=ninguno` → none), or slot edits (`boton2=…`, `boton3=ninguno`). */
function buttonsAfter(prev: TemplateContent['buttons'], input: ContentInput): TemplateContent['buttons'] {
  if (input.buttons) return input.buttons;
  if (!input.buttonSlots) return prev;
  const slots: Array<TemplateContent['buttons'][number] | null> = [...prev];
  for (const [n, spec] of input.buttonSlots) {
    while (slots.length < n) slots.push(null);
    slots[n - 1] = spec;
  }
  return slots.filter((b) => b !== null);
}

export const EMPTY_CONTENT: TemplateContent = { headerType: 'none', header: null, body: '', footer: null, buttons: [], variables: [] };

/** A template_versions row → its content (rows from before `snapshot` existed fall back to the text columns). */
export function snapshotFromVersion(v: ITemplateVersion): VersionSnapshot {
  const s = (v.snapshot ?? {}) as Partial<VersionSnapshot>;
  return {
    headerType: s.headerType ?? (v.headerContent ? 'text' : 'none'),
    header: s.header ?? v.headerContent ?? null,
    body: s.body ?? v.bodyText ?? '',
    footer: s.footer ?? v.footerText ?? null,
    buttons: s.buttons ?? [],
    ...(s && 'variables' in s ? { variables: (s as { variables: unknown }).variables } : {}),
  } as VersionSnapshot;
}
