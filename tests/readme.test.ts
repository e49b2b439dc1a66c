import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRoleMatrixMarkdown } from '../src/modules/identity/permissions.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts with the two commands', () => {
    const first = readme.indexOf('npm install && npm start');
    expect(first).toBeGreaterThan(0);
    expect(readme.indexOf('npm install && npm test')).toBeGreaterThan(first);
  });

  it('embeds the role → permission matrix exactly as seeded', () => {
    expect(readme).toContain(renderRoleMatrixMarkdown());
  });

  it('documents every configuration variable', () => {
    const src = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8');
    const start = src.indexOf('const schema = z.object(');
    const schemaBlock = src.slice(start, src.indexOf('\n});', start));
    const vars = [...schemaBlock.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]).filter((v) => v !== 'NODE_ENV');
    expect(vars.length).toBeGreaterThan(20);
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    for (const v of vars) {
      expect(readme, `README lacks ${v}`).toContain(`\`${v}\``);
      expect(example, `.env.example lacks ${v}`).toMatch(new RegExp(`^${v}=`, 'm'));
    }
  });
});

describe('README admin command reference', () => {
  it('matches the command registry', async () => {
    const { renderCommandReferenceMarkdown } = await import('../src/modules/admin/docs.ts');
    const { createRegistry } = await import('../src/modules/admin/registry.ts');
    const { commandDefs } = await import('../src/modules/admin/commands/index.ts');
    expect(readme).toContain(renderCommandReferenceMarkdown(createRegistry(commandDefs)));
  });
});
