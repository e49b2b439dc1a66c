import { describe, expect, it } from 'vitest';
import { validateTemplate } from '../../../src/modules/templates/validate.ts';
import { mergeContent, EMPTY_CONTENT } from '../../../src/modules/templates/content.ts';
import { contentFromOptions } from '../../../src/modules/templates/options.ts';
import type { TemplateDraft } from '../../../src/modules/templates/model.ts';

/** One test per Meta rule: a valid template passes; breaking exactly one rule names that rule. */

function draft(options: Record<string, string> = {}, over: Partial<TemplateDraft> = {}): TemplateDraft {
  const input = contentFromOptions({ cuerpo: 'Hola {{1}}, tu pedido está listo.', ejemplo1: 'Ana', ...options });
  return { ...mergeContent(EMPTY_CONTENT, input, null), name: 'aviso_pedido', category: 'transactional', language: 'es', ...over };
}
const rules = (d: TemplateDraft) => validateTemplate(d).map((v) => v.rule);
const messages = (d: TemplateDraft) => validateTemplate(d).map((v) => v.message).join('\n');

describe('validateTemplate', () => {
  it('accepts a template that follows every rule', () => {
    const d = draft({ encabezado: 'Tu pedido', pie: 'Tienda Ejemplo', boton: 'respuesta:Gracias', boton2: 'web:Ver pedido:https://tienda.es/p/{{1}}', ejemplo_boton2: 'A-1', boton3: 'llamar:Llámanos:+34600000001' });
    expect(validateTemplate(d)).toEqual([]);
  });

  it('nombre: lowercase, digits and underscores, at most 512', () => {
    expect(rules(draft({}, { name: 'Aviso-Pedido' }))).toEqual(['nombre']);
    expect(rules(draft({}, { name: 'a'.repeat(513) }))).toEqual(['nombre']);
    expect(messages(draft({}, { name: 'Aviso' }))).toContain('Regla «nombre»');
  });

  it('idioma: a language code Meta accepts', () => {
    expect(rules(draft({}, { language: 'español' }))).toEqual(['idioma']);
    expect(rules(draft({}, { language: 'es_MX' }))).toEqual([]);
    expect(messages(draft({}, { language: 'xx' }))).toContain('Regla «idioma»');
  });

  it('categoria: one of the PRD categories', () => {
    expect(rules(draft({}, { category: 'promociones' }))).toEqual(['categoria']);
    expect(messages(draft({}, { category: 'otra' }))).toContain('Regla «categoría»');
  });

  it('cuerpo: required and at most 1024 characters', () => {
    expect(rules(draft({ cuerpo: `Hola ${'x'.repeat(1020)}` }))).toEqual(['cuerpo']);
    expect(messages(draft({ cuerpo: `Hola ${'x'.repeat(1020)}` }))).toContain('1 025 caracteres');
    expect(rules(draft({ cuerpo: '   ' }))).toContain('cuerpo');
  });

  it('encabezado: at most 60 characters', () => {
    expect(rules(draft({ encabezado: 'x'.repeat(61) }))).toEqual(['encabezado']);
    expect(messages(draft({ encabezado: 'x'.repeat(61) }))).toContain('Regla «encabezado»');
  });

  it('encabezado: at most one variable, {{1}}', () => {
    expect(rules(draft({ encabezado: 'Hola {{1}} {{2}}', ejemplo_encabezado: 'x' }))).toContain('encabezado_variables');
    // Meta's {{1}} written in a catalog message reaches staff as {{1}}, not as an emptied placeholder.
    expect(messages(draft({ encabezado: 'Hola {{1}} {{2}}', ejemplo_encabezado: 'x' }))).toContain('admite como mucho una variable, {{1}}.');
  });

  it('encabezado multimedia: a media header needs its example file', () => {
    expect(rules(draft({ encabezado_tipo: 'imagen' }))).toEqual(['encabezado_multimedia']);
  });

  it('pie: at most 60 characters and no variables', () => {
    expect(rules(draft({ pie: 'x'.repeat(61) }))).toEqual(['pie']);
    expect(rules(draft({ pie: 'Hola {{1}}' }))).toEqual(['pie_variables']);
  });

  it('variables sequential from {{1}}', () => {
    const d = draft({ cuerpo: 'Hola {{1}}, tu código es {{3}}.', ejemplo1: 'Ana', ejemplo3: '1234' });
    expect(rules(d)).toEqual(['variables_secuenciales']);
    expect(messages(d)).toContain('deben numerarse seguidas desde {{1}} (hay {{1}}, {{3}})');
  });

  it('an example for every variable', () => {
    const d = draft({ cuerpo: 'Hola {{1}}, tu pedido {{2}} llega hoy.' });
    expect(rules(d)).toEqual(['variables_ejemplo']);
    expect(messages(d)).toContain('ejemplo2=');
    // Header and URL-button variables name the option that really sets their example.
    const keyed = draft({ encabezado: 'Pedido {{1}}', boton: 'web:Ver:https://tienda.es/p/{{1}}' });
    expect(messages(keyed)).toContain('indica ejemplo_encabezado=…');
    expect(messages(keyed)).toContain('indica ejemplo_boton1=…');
    expect(rules(draft({ encabezado: 'Pedido {{1}}', ejemplo_encabezado: 'A-1', boton: 'web:Ver:https://tienda.es/p/{{1}}', ejemplo_boton1: 'A-1' }))).toEqual([]);
  });

  it('no variable at the start or the end of the body', () => {
    expect(rules(draft({ cuerpo: '{{1}}, tu pedido está listo.' }))).toEqual(['variables_extremos']);
    expect(rules(draft({ cuerpo: 'Tu pedido está listo, {{1}}' }))).toEqual(['variables_extremos']);
  });

  it('variable types: text, phone, email, url or datetime', () => {
    const d = draft();
    d.variables[0]!.type = 'moneda' as never;
    expect(rules(d)).toEqual(['variable_tipo']);
  });

  it('buttons: kinds and counts as Meta allows, quick replies grouped', () => {
    const many = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`boton${i + 1}`, `respuesta:R${i}`]));
    expect(rules(draft(many))).toContain('botones');
    expect(rules(draft({ boton: 'web:A:https://a.es', boton2: 'web:B:https://b.es', boton3: 'web:C:https://c.es' }))).toEqual(['botones']);
    expect(rules(draft({ boton: 'llamar:A:+34600000001', boton2: 'llamar:B:+34600000002' }))).toEqual(['botones']);
    expect(rules(draft({ boton: 'respuesta:Sí', boton2: 'web:Ver:https://a.es', boton3: 'respuesta:No' }))).toEqual(['botones']);
    expect(rules(draft({ boton: `respuesta:${'x'.repeat(26)}` }))).toEqual(['botones']);
    expect(() => draft({ boton: 'fax:Enviar' })).toThrow(/Regla «botones»/);
  });

  it('a URL button: http(s) with at most one variable, at the end', () => {
    expect(rules(draft({ boton: 'web:Ver:tienda.es/p' }))).toEqual(['boton_url']);
    expect(rules(draft({ boton: 'web:Ver:https://tienda.es/{{1}}/detalle', ejemplo_boton1: 'x' }))).toEqual(['boton_url']);
    expect(rules(draft({ boton: 'web:Ver:https://tienda.es/p/{{1}}', ejemplo_boton1: 'A-1' }))).toEqual([]);
  });

  it('a phone button in international format', () => {
    expect(rules(draft({ boton: 'llamar:Llámanos:600000001' }))).toEqual(['boton_telefono']);
    expect(messages(draft({ boton: 'llamar:Llámanos:600000001' }))).toContain('+34600000001');
  });
});

describe('named variables', () => {
  it('map {{nombre}} to positions in order of first appearance, keeping the names', () => {
    const d = draft({ cuerpo: 'Hola {{nombre}}, tu pedido {{pedido}} está listo, {{nombre}}.', ejemplo_nombre: 'Ana', ejemplo_pedido: 'A-1' });
    expect(d.body).toBe('Hola {{1}}, tu pedido {{2}} está listo, {{1}}.');
    expect(d.variables.map((v) => [v.position, v.name, v.example])).toEqual([[1, 'nombre', 'Ana'], [2, 'pedido', 'A-1']]);
  });
});
