import { describe, expect, it } from 'vitest';
import { normalizeWord, parseCommand } from '../../../src/modules/admin/parser.ts';
import { buildArgs } from '../../../src/modules/admin/args.ts';
import { suggest, editDistance } from '../../../src/modules/admin/suggest.ts';
import { z } from 'zod';

const ok = (text: string) => {
  const r = parseCommand(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.command;
};

describe('command parser', () => {
  it('splits the name, positional words and key=value options', () => {
    expect(ok('/rol asignar +34600000001 manager')).toEqual({ name: 'rol', rawName: 'rol', positional: ['asignar', '+34600000001', 'manager'], options: {} });
    const c = ok('/campaña crear "Clientes VIP" segmento="Compradores 2025" límite=10 nota=a=b');
    expect(c.name).toBe('campana');
    expect(c.rawName).toBe('campaña');
    expect(c.positional).toEqual(['crear', 'Clientes VIP']);
    expect({ ...c.options }).toEqual({ segmento: 'Compradores 2025', limite: '10', nota: 'a=b' });
  });

  it('accepts smart quotes, guillemets and escaped quotes', () => {
    expect(ok('/x “Clientes VIP” ”dos” „tres“ «cuatro»').positional).toEqual(['Clientes VIP', 'dos', 'tres', 'cuatro']);
    expect(ok('/x "dice \\"hola\\""').positional).toEqual(['dice "hola"']);
    expect(ok('/x ""').positional).toEqual(['']);
  });

  it('keeps a quoted a=b positional and treats odd = tokens as text', () => {
    expect(ok('/x "a=b" =c d= ==').positional).toEqual(['a=b', '=c', '==']);
    expect({ ...ok('/x "a=b" =c d= ==').options }).toEqual({ d: '' });
  });

  it('normalizes names: case, accents, and whitespace around', () => {
    expect(ok('   /AYÚDA   ').name).toBe('ayuda');
    expect(normalizeWord('Campaña')).toBe('campana');
    expect(ok('/ayuda\n\trol').positional).toEqual(['rol']);
  });

  it('reports errors in Spanish with the command name when known', () => {
    const r = parseCommand('/rol ver "+34600');
    expect(r).toMatchObject({ ok: false, error: { code: 'unbalanced_quote', name: 'rol' } });
    expect(!r.ok && r.error.message).toMatch(/comillas sin cerrar \(cerca de «"\+34600»\)/);
    expect(parseCommand('/x a=1 a=2')).toMatchObject({ ok: false, error: { code: 'duplicate_option' } });
    expect(parseCommand('hola')).toMatchObject({ ok: false, error: { code: 'not_a_command' } });
    expect(parseCommand('/')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseCommand(`/x ${'a '.repeat(3000)}`)).toMatchObject({ ok: false, error: { code: 'too_long' } });
    expect(parseCommand(`/x ${'a '.repeat(100)}`)).toMatchObject({ ok: false, error: { code: 'too_many_tokens' } });
  });

  it('keeps __proto__ and friends as plain (rejectable) options', () => {
    const c = ok('/x __proto__=1 constructor=2');
    expect(Object.getPrototypeOf(c.options)).toBeNull();
    expect(Object.keys(c.options)).toEqual(['__proto__', 'constructor']);
    const action = { params: [], args: z.object({}).strict() } as never;
    expect(buildArgs(action, { positional: [], options: c.options })).toMatchObject({ ok: false });
  });
});

describe('argument building', () => {
  const action = { params: ['telefono', 'rol'], args: z.object({ telefono: z.string(), rol: z.string() }).strict() } as never;
  it('joins a phone pasted with spaces when more words than parameters arrive', () => {
    expect(buildArgs(action, { positional: ['+34', '600', '00', '00', '01', 'manager'], options: {} })).toEqual({
      ok: true,
      value: { telefono: '+34600000001', rol: 'manager' },
    });
  });
  it('refuses an argument given both by position and as an option', () => {
    expect(buildArgs(action, { positional: ['+34600000001', 'x'], options: { rol: 'y' } })).toMatchObject({ ok: false, message: expect.stringMatching(/dos veces/) });
  });
});

describe('suggestions', () => {
  it('measures edit distance and suggests only close names', () => {
    expect(editDistance('ayda', 'ayuda')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(suggest('ayda', ['ayuda', 'rol'])).toBe('ayuda');
    expect(suggest('CAMPANA', ['campaña', 'rol'])).toBe('campaña');
    expect(suggest('zzzzzz', ['ayuda', 'rol'])).toBeNull();
    expect(suggest('x', ['rol'])).toBeNull();
  });
});
