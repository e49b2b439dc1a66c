import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';

/**
 * The install a newcomer runs stays quiet and leaves the committed lockfile alone (README,
 * "Installing"). A real clean install needs the registry, so it is not run here; these checks
 * catch what would break it: a dependency with an install script nobody decided on (npm 11 then
 * warns, runs it, and records `hasInstallScript` in the lockfile), a root `engines` field (npm
 * checks it against its own Node, not ours), or a lockfile out of step with package.json.
 */

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines?: unknown;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { name?: string; version?: string; hasInstallScript?: boolean; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; engines?: unknown; optional?: boolean }>;
};

const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('npm install', () => {
  it('declares no engines at the root: npm would check them against the Node that runs npm', () => {
    expect(pkg.engines).toBeUndefined();
    expect(lock.packages['']!.engines).toBeUndefined();
    expect(pkg.dependencies.node).toMatch(/^24\./);
  });

  it('keeps the lockfile root in step with package.json', () => {
    expect(lock.packages['']!.dependencies).toEqual(pkg.dependencies);
    expect(lock.packages['']!.devDependencies).toEqual(pkg.devDependencies);
  });

  it('decides every install script: each package that has one is allowed or refused in allowScripts', () => {
    const withScripts = new Set<string>();
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path) continue;
      if (entry.hasInstallScript) withScripts.add(nameOf(path));
      // npm adds `node-gyp rebuild` to a package that ships a binding.gyp and no install script.
      const dir = join(ROOT, path);
      if (existsSync(join(dir, 'binding.gyp'))) {
        const scripts = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
        if (!scripts.install && !scripts.preinstall) withScripts.add(nameOf(path));
      }
    }
    expect([...withScripts]).toEqual(expect.arrayContaining(['node', 'better-sqlite3', 'bcrypt']));
    const undecided = [...withScripts].filter((name) => !(name in pkg.allowScripts) && !(name === 'baileys' && '@whiskeysockets/baileys' in pkg.allowScripts));
    expect(undecided).toEqual([]);
    // The two that must run; the rest are refused (prebuilt binaries, version checks).
    expect(Object.entries(pkg.allowScripts).filter(([, v]) => v).map(([k]) => k.split('/')[0])).toEqual(expect.arrayContaining(['node', '@ffmpeg-installer']));
    expect(pkg.allowScripts['better-sqlite3']).toBe(false);
  });

  it('has working native modules without their install scripts (prebuilt binaries)', async () => {
    type Db = { prepare(sql: string): { get(): unknown }; close(): void };
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => Db;
    const db = new Database(':memory:');
    expect(db.prepare('select 1 + 1 as n').get()).toEqual({ n: 2 });
    db.close();
    const bcrypt = await import('bcrypt');
    expect(await bcrypt.compare('x', await bcrypt.hash('x', 4))).toBe(true);
  });
});
