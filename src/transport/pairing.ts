import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import qrcode from 'qrcode-terminal';
import type { Logger } from '../logger.ts';

/**
 * Pairing a WhatsApp number, and pairing it again after WhatsApp logs the session out (the phone
 * removed the linked device): the saved credentials are useless then, so they are deleted — the
 * next connection starts without them and WhatsApp hands out a new QR (or pairing code), which
 * is printed for the person at the terminal. BuilderBot's provider also empties its session
 * folder on a logout, but relative to the working directory; owning it here keeps it correct
 * and testable.
 */

export interface PairingPrompt {
  qr?: string;
  code?: string;
}

export interface Pairing {
  /** Prints a QR or pairing code the provider asks the person to use. */
  prompt(payload: PairingPrompt | undefined): void;
  /** WhatsApp closed the session for good: forget the credentials and say what happens next. */
  loggedOut(): void;
}

/** Deletes everything inside the auth folder (creds.json, keys) but keeps the folder itself. */
export function clearAuthState(dir: string): number {
  mkdirSync(dir, { recursive: true });
  const entries = readdirSync(dir);
  for (const name of entries) rmSync(join(dir, name), { recursive: true, force: true });
  return entries.length;
}

export function createPairing(opts: { authDir: string; logger: Logger; write(text: string): void; pairingPhone?: string | null }): Pairing {
  const log = opts.logger.child({ module: 'whatsapp.pairing' });
  return {
    prompt(payload) {
      if (payload?.qr) {
        opts.write('\nEscanea este código QR con WhatsApp (Dispositivos vinculados → Vincular un dispositivo):\n');
        qrcode.generate(payload.qr, { small: true }, (s) => opts.write(`${s}\n`));
      } else if (payload?.code) {
        opts.write(`\nCódigo de vinculación para +${opts.pairingPhone ?? '?'}: ${payload.code}\n(WhatsApp → Dispositivos vinculados → Vincular con el número de teléfono)\n`);
      }
    },
    loggedOut() {
      let removed = 0;
      try {
        removed = clearAuthState(opts.authDir);
      } catch (err) {
        log.error({ err }, 'could not clear the saved WhatsApp session; delete it by hand before pairing again');
      }
      log.warn({ files: removed }, 'WhatsApp closed this session (logged out): the saved session was cleared; scan the new QR code to pair again');
      opts.write(
        opts.pairingPhone
          ? '\nWhatsApp ha cerrado la sesión de este dispositivo. Se ha borrado la sesión guardada; en unos segundos aparecerá un nuevo código de vinculación.\n'
          : '\nWhatsApp ha cerrado la sesión de este dispositivo. Se ha borrado la sesión guardada; en unos segundos aparecerá un nuevo código QR para vincularlo de nuevo.\n',
      );
    },
  };
}
