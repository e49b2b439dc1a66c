#!/usr/bin/env node
// Re-exec the CLI under the project's pinned Node 24 (node_modules/.bin/node), whatever
// `node` is first on PATH: better-sqlite3 13 needs Node 24 and the sources are .ts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = join(root, 'node_modules', '.bin', 'node');
const node = existsSync(pinned) ? pinned : process.execPath;
const res = spawnSync(node, [join(root, 'src', 'cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(res.status ?? 1);
