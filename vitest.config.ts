import { defineConfig } from 'vitest/config';

// better-sqlite3 13 needs Node 24 (it segfaults under Node 20). `npm test` / `npx vitest` put the
// project's pinned Node (node_modules/.bin/node) first on PATH; calling the vitest bin directly
// from a shell would pick the system Node instead.
if (!process.versions.node.startsWith('24.')) {
  throw new Error(
    `vitest is running under Node ${process.versions.node}; run it with "npx vitest run <path>" or "npm test" so the pinned Node 24 is used.`,
  );
}

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // better-sqlite3 and Baileys hold native/global state; forks isolate them per file.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
