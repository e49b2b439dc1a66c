import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createConversationKit } from '../../src/transport/kit.ts';
import { createCustomerService } from '../../src/modules/messaging/customer.service.ts';
import { silentLogger } from '../../src/logger.ts';
import { systemClock } from '../../src/shared/clock.ts';

describe('MariadonoProvider (BuilderBot Baileys provider, adapted)', () => {
  const home = mkdtempSync(join(tmpdir(), 'mariadono-provider-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('leaves process signal handlers alone, writes its logs under its home and serves HTTP on loopback only', async () => {
    const onSigint = () => undefined;
    const onUncaught = () => undefined;
    process.on('SIGINT', onSigint);
    process.on('uncaughtException', onUncaught);
    const cwd = process.cwd();
    try {
      const kit = await createConversationKit({
        home,
        providerArgs: { name: 'bot', groupsIgnore: false, port: 0 },
        flowDeps: { customers: createCustomerService({ orm: null as never, clock: systemClock, logger: silentLogger() }), logger: silentLogger() },
      });
      expect(process.listeners('SIGINT')).toContain(onSigint);
      expect(process.listeners('uncaughtException')).toContain(onUncaught);
      expect(process.cwd()).toBe(cwd);
      // The log stream opens asynchronously.
      for (let i = 0; i < 100 && !existsSync(join(home, 'baileys.log')); i++) await new Promise((r) => setTimeout(r, 10));
      expect(existsSync(join(home, 'baileys.log'))).toBe(true);
      expect(existsSync(join(cwd, 'baileys.log'))).toBe(false);

      // BuilderBot's engine prints banners for these events with console.log: none is left.
      const logged: unknown[] = [];
      const log = console.log;
      console.log = (...a: unknown[]) => void logged.push(a);
      try {
        kit.provider.emit('auth_failure', ['Maximum reconnection attempts reached']);
        kit.provider.emit('notice', { title: '🛜  HTTP Server ON ', instructions: [] });
        kit.provider.emit('ready', true);
      } finally {
        console.log = log;
      }
      expect(logged).toEqual([]);

      const routes: string[] = [];
      (kit.provider as unknown as { beforeHttpServerInit(): void }).beforeHttpServerInit();
      kit.provider.start({} as never, (r) => void routes.push(r ?? ''));
      const http = (kit.provider.server as unknown as { server: import('node:http').Server }).server;
      await new Promise((r) => (http.listening ? r(null) : http.once('listening', r)));
      const { address, port } = http.address() as AddressInfo;
      expect(address).toBe('127.0.0.1');
      // GET / answers at once: a Spanish 404 while there is no QR (BuilderBot's hung and threw ENOENT) …
      const uncaught: unknown[] = [];
      const onUncaught2 = (err: unknown) => void uncaught.push(err);
      process.on('uncaughtException', onUncaught2);
      try {
        const none = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
        expect(none.status).toBe(404);
        expect(await none.text()).toMatch(/No hay ningún código QR pendiente/);
        // … and the PNG once the provider has written one.
        const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
        writeFileSync(join(process.cwd(), 'bot.qr.png'), png);
        try {
          const qr = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
          expect(qr.status).toBe(200);
          expect(qr.headers.get('content-type')).toBe('image/png');
          expect(Buffer.from(await qr.arrayBuffer())).toEqual(png);
        } finally {
          rmSync(join(process.cwd(), 'bot.qr.png'), { force: true });
        }
        await new Promise((r) => setTimeout(r, 50));
        expect(uncaught).toEqual([]);
      } finally {
        process.off('uncaughtException', onUncaught2);
      }
      await kit.provider.stopHttp();

      kit.provider.shutdown();
      // A reconnect the provider had already scheduled finds no way to create a socket.
      await expect(kit.provider.restartVendor()).resolves.toBeUndefined();
      expect(kit.provider.vendor).toBeUndefined();
    } finally {
      process.off('SIGINT', onSigint);
      process.off('uncaughtException', onUncaught);
    }
  });
});
