import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `npm run bench -- <name> [--flags]` → bench/<name>.ts. Each benchmark module exports
 * `run(args: string[]): Promise<void>` (also as default), prints its figures and, as its last
 * line, one JSON object.
 */
const here = dirname(fileURLToPath(import.meta.url));
const available = () =>
  readdirSync(here)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .map((f) => f.slice(0, -3))
    .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z0-9-]+$/.test(name) || !existsSync(join(here, `${name}.ts`))) {
  process.stderr.write(`usage: npm run bench -- <name> [--flags]\navailable: ${available().join(', ')}\n`);
  process.exit(2);
}
const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { run?: (a: string[]) => Promise<void>; default?: (a: string[]) => Promise<void> };
const run = mod.run ?? mod.default;
if (!run) {
  process.stderr.write(`bench/${name}.ts exports no run(args) function\n`);
  process.exit(2);
}
await run(args);
