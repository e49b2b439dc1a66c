import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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

      const routes: string[] = [];
      kit.provider.start({} as never, (r) => void routes.push(r ?? ''));
      const http = (kit.provider.server as unknown as { server: import('node:http').Server }).server;
      await new Promise((r) => (http.listening ? r(null) : http.once('listening', r)));
      expect((http.address() as AddressInfo).address).toBe('127.0.0.1');
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
