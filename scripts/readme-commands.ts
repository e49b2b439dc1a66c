/**
 * Rewrites the admin command table in README.md from the command registry (the same data /ayuda
 * uses; tests/readme.test.ts fails when they differ):
 *
 *   node_modules/.bin/node scripts/readme-commands.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderCommandReferenceMarkdown } from '../src/modules/admin/docs.ts';
import { createRegistry } from '../src/modules/admin/registry.ts';
import { commandDefs } from '../src/modules/admin/commands/index.ts';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const table = renderCommandReferenceMarkdown(createRegistry(commandDefs));
const header = table.split('\n')[0]!;
const start = readme.indexOf(header);
if (start < 0) throw new Error('README has no admin command table to replace');
let end = readme.indexOf('\n\n', start);
if (end < 0) end = readme.length;
writeFileSync(path, readme.slice(0, start) + table.trimEnd() + readme.slice(end));
console.log('README command table regenerated');
