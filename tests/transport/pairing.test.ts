import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeEventBuffer } from '@whiskeysockets/baileys';
import { createLogger } from '../../src/logger.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createConnectionState } from '../../src/transport/connection-state.ts';
import { createLidDirectory } from '../../src/transport/lid-directory.ts';
import { clearAuthState, createPairing } from '../../src/transport/pairing.ts';
import { createSession } from '../../src/transport/session.ts';

/**
 * "Logged out" (the phone removed the linked device), at the unit level: a fake socket emits the
 * close with status 401 into the real session; a fake provider asks for the new QR as
 * BuilderBot's does (`require_action`). Wired as in src/transport/live.ts.
 */
describe('pairing again after WhatsApp logs the session out', () => {
  let dir: string;
  let authDir: string;
  let out: string[];
  let warnings: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mariadono-pairing-'));
    authDir = join(dir, 'bot_sessions');
    mkdirSync(join(authDir, 'sub'), { recursive: true });
    writeFileSync(join(authDir, 'creds.json'), '{"me":{"id":"34000000000@s.whatsapp.net"}}');
    writeFileSync(join(authDir, 'app-state-sync-key-AAA.json'), '{}');
    out = [];
    warnings = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function setup() {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n').filter(Boolean)) if (JSON.parse(l).level >= 40) warnings.push(JSON.parse(l).msg);
        cb();
      },
    });
    const logger = createLogger({ level: 'info', destination: sink, pretty: false });
    const clock = new ManualClock(new Date('2024-11-24T10:00:00Z'));
    const state = createConnectionState(clock, 'open');
    const pairing = createPairing({ authDir, logger, write: (s) => void out.push(s) });
    const session = createSession({
      config: {} as never, logger, clock, services: {} as never, provider: {} as never, state,
      socket: () => null, lids: createLidDirectory(), openMedia: async () => { throw new Error('unused'); },
      onLoggedOut: () => pairing.loggedOut(),
    });
    const socket = { ev: makeEventBuffer(logger as never) };
    session.attach(socket.ev);
    const provider = new EventEmitter();
    provider.on('require_action', (p: { payload?: { qr?: string } }) => pairing.prompt(p.payload));
    const close = (statusCode: number, message: string) =>
      socket.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error: Object.assign(new Error(message), { output: { statusCode } }), date: new Date() } });
    return { state, socket, provider, close };
  }

  it('clears the saved credentials, says so in Spanish and in the log, then prints the new QR', () => {
    const { state, socket, provider, close } = setup();
    close(401, 'Connection Failure');
    expect(state.get()).toMatchObject({ status: 'logged_out', lastError: 'logged out', reconnects: 1 });
    expect(existsSync(authDir)).toBe(true);
    expect(readdirSync(authDir)).toEqual([]);
    expect(out.join('')).toContain('WhatsApp ha cerrado la sesión de este dispositivo. Se ha borrado la sesión guardada');
    expect(warnings).toContainEqual(expect.stringContaining('logged out'));

    // The provider reconnects without credentials: WhatsApp offers a QR.
    socket.ev.emit('connection.update', { qr: 'QR-PAYLOAD-123' });
    provider.emit('require_action', { payload: { qr: 'QR-PAYLOAD-123' } });
    expect(state.get().status).toBe('qr');
    const printed = out.join('');
    expect(printed).toContain('Escanea este código QR con WhatsApp');
    expect(printed).toMatch(/[▀▄█]{10,}/);
  });

  it('keeps the credentials on an ordinary disconnect (the watchdog reconnects with them)', () => {
    const { state, close } = setup();
    close(408, 'Connection Lost');
    expect(state.get()).toMatchObject({ status: 'reconnecting', lastError: 'Connection Lost' });
    expect(readdirSync(authDir).sort()).toEqual(['app-state-sync-key-AAA.json', 'creds.json', 'sub']);
    expect(out).toEqual([]);
  });

  it('prints a pairing code when pairing by phone number', () => {
    const pairing = createPairing({ authDir, logger: createLogger({ level: 'silent' }), pairingPhone: '34600000001', write: (s) => void out.push(s) });
    pairing.prompt({ code: 'ABCD-EFGH' });
    expect(out.join('')).toContain('Código de vinculación para +34600000001: ABCD-EFGH');
  });

  it('clearAuthState empties the folder and tolerates one that does not exist yet', () => {
    expect(clearAuthState(authDir)).toBe(3);
    expect(readdirSync(authDir)).toEqual([]);
    expect(clearAuthState(join(dir, 'new'))).toBe(0);
  });
});
