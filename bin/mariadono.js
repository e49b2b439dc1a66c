#!/usr/bin/env node
// Runs the CLI under the project's pinned Node 24 (node_modules/.bin/node), whatever `node` is
// first on PATH: better-sqlite3 13 needs Node 24 and the sources are .ts. The CLI runs in a
// child process; this wrapper forwards the signals a terminal or a supervisor sends (SIGTERM,
// SIGINT, SIGHUP …) to it and ends the way the child ended, so stopping the wrapper stops the bot.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = join(root, 'node_modules', '.bin', 'node');
const major = Number(process.versions.node.split('.')[0]);
if (!existsSync(pinned) && major < 24) {
  process.stderr.write(
    `mariadono: necesita Node 24 y no encuentro el del proyecto (${pinned}); estás usando Node ${process.versions.node}.\n` +
      'Ejecuta "npm install" en la carpeta del proyecto: instala Node 24 en node_modules/.bin.\n',
  );
  process.exit(2);
}
const node = existsSync(pinned) ? pinned : process.execPath;
const child = spawn(node, [join(root, 'src', 'cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });

// A Ctrl-C in a terminal reaches both processes (same process group); a supervisor's SIGTERM
// reaches only this one. Either way the child gets it (the CLI ignores a repeat while stopping).
const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
for (const signal of FORWARDED) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on('error', (err) => {
  process.stderr.write(`mariadono: no se pudo ejecutar ${node}: ${err.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    // Died of a signal: die of the same one, so whoever waits on us sees the same status.
    for (const s of FORWARDED) process.removeAllListeners(s);
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128), 1000).unref();
    return;
  }
  process.exit(code ?? 1);
});
