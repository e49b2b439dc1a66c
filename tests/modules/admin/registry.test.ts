import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRegistry, defineCommand, defineSubcommand } from '../../../src/modules/admin/registry.ts';
import { commandDefs } from '../../../src/modules/admin/commands/index.ts';
import { renderCommandReferenceMarkdown } from '../../../src/modules/admin/docs.ts';
import { redactCommandText } from '../../../src/modules/admin/redact.ts';
import { PERMISSIONS } from '../../../src/modules/identity/permissions.ts';
import { text } from '../../../src/transport/types.ts';

const registry = createRegistry(commandDefs);
const leaves = registry.all().flatMap((d) => registry.leaves(d));
const run = async () => [text('ok')];

describe('command registry', () => {
  it('declares only permissions that exist in the catalog', () => {
    const known = new Set(PERMISSIONS.map((p) => p.name));
    for (const l of leaves) if (l.action.permission) expect(known, l.path).toContain(l.action.permission);
  });

  it('has usage and at least one example starting with the command for every action', () => {
    for (const l of leaves) {
      expect(l.action.usage.startsWith(`/${l.path}`), l.path).toBe(true);
      expect(l.action.examples.length, l.path).toBeGreaterThan(0);
      for (const ex of l.action.examples) expect(ex.startsWith(`/${l.path}`), ex).toBe(true);
    }
  });

  it('marks role assignment and suspension as sensitive', () => {
    expect(registry.byPath('rol asignar')!.action.sensitive).toBe(true);
    expect(registry.byPath('usuario suspender')!.action.sensitive).toBe(true);
    expect(registry.byPath('usuario activar')!.action.sensitive).toBeFalsy();
  });

  it('finds commands by accent-free, English and upper-case aliases', () => {
    expect(registry.find('AYUDA')?.name).toBe('ayuda');
    expect(registry.find('help')?.name).toBe('ayuda');
    expect(registry.find('auditoría')?.name).toBe('auditoria');
    expect(registry.findSub(registry.find('rol')!, 'Assign')?.name).toBe('asignar');
  });

  it('rejects duplicate names and sensitive actions with secret arguments at boot', () => {
    const a = defineCommand({ name: 'campaña', aliases: ['campaign'], description: 'x', action: { description: 'x', permission: null, args: z.object({}), usage: '/campaña', examples: ['/campaña'], run } });
    expect(() => createRegistry([a, defineCommand({ ...a, name: 'campana', aliases: [] })])).toThrow(/declared twice/);
    const bad = defineCommand({
      name: 'x',
      description: 'x',
      subcommands: [defineSubcommand({ name: 'y', description: 'y', permission: null, sensitive: true, secretArgs: ['clave'], args: z.object({}), usage: '/x y', examples: ['/x y'], run })],
    });
    expect(() => createRegistry([bad])).toThrow(/cannot be sensitive and take secret arguments/);
  });

  it('renders the README command reference from the same data', () => {
    const md = renderCommandReferenceMarkdown(registry);
    const lines = md.split('\n');
    expect(lines).toHaveLength(2 + leaves.length);
    expect(md).toContain('| `/rol asignar <telefono> <rol>` | `roles.assign` | Asigna un rol a una persona (nunca por encima del tuyo) — *pide confirmación (código o TOTP)* |');
    expect(md).toContain('| `/ayuda [comando]` | cualquier miembro del equipo |');
  });

  it('redacts secret arguments from command text before it is stored anywhere', () => {
    const redact = (t: string) => redactCommandText(registry, t);
    expect(redact('/seguridad clave mi clave "secreta" = larga')).toBe('/seguridad clave [redactado]');
    expect(redact('/Security PASSWORD hunter2hunter2')).toBe('/Security PASSWORD [redactado]');
    expect(redact('/seguridad totp 123456')).toBe('/seguridad totp [redactado]');
    expect(redact('/confirmar K7M2QX')).toBe('/confirmar [redactado]');
    expect(redact('/seguridad totp')).toBe('/seguridad totp');
    expect(redact('/rol asignar +34600000001 manager')).toBe('/rol asignar +34600000001 manager');
    expect(redact('hola /seguridad clave x')).toBe('hola /seguridad clave x');
    // A quoted sub-command runs (the router drops the quotes), so it is redacted too.
    expect(redact('/seguridad «clave» hunter2hunter2')).toBe('/seguridad clave [redactado]');
  });
});
