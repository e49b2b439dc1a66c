import { z } from 'zod';
import { text } from '../../../transport/types.ts';
import { ForbiddenError } from '../../../shared/errors.ts';
import { t } from '../../../shared/i18n/index.ts';
import { defineAction, defineCommand, type RawArgs } from '../registry.ts';
import { MAX_CONFIRM_ATTEMPTS, codeMatches, countFailure, findPending, resolve } from '../confirmations.ts';
import { consumeTotp, loadTotpSecret, type TotpCheck } from '../totp.ts';

/**
 * `/confirmar <código>`: runs the caller's pending sensitive action when the code (or, once
 * TOTP is enrolled, the authenticator code) is right. An authenticator code is accepted only
 * once. Wrong (or replayed) codes count; the third drops the action. The action is re-checked
 * (permission and rules) as it runs, since time has passed.
 */
export const confirmarCommand = defineCommand({
  name: 'confirmar',
  aliases: ['confirm', 'confirmo'],
  description: 'Confirma la acción pendiente con su código',
  action: defineAction({
    description: 'Confirma la acción pendiente (código del mensaje o de tu app TOTP)',
    permission: null,
    params: ['codigo'],
    secretArgs: ['codigo'],
    args: z.object({ codigo: z.string().trim().min(1).max(20) }).strict(),
    usage: '/confirmar <código>',
    examples: ['/confirmar K7M2QX', '/confirmar 492039'],
    async run({ em, caller, args, now, services, invoke }) {
      const userId = caller.userId!;
      const found = await findPending(em, userId, now);
      if (!found) return [text(t('admin.confirm.nothing_pending'))];
      const { row } = found;
      if (found.expired) return [text(t('admin.confirm.expired', { summary: row.summary }))];
      let check: TotpCheck;
      if (row.requiresTotp) {
        const { secret } = await loadTotpSecret(em, userId, services.secrets);
        check = secret ? await consumeTotp(em, userId, args.codigo, secret, now) : 'wrong';
      } else {
        check = codeMatches(row.id, args.codigo, row.codeHash) ? 'ok' : 'wrong';
      }
      if (check !== 'ok') {
        const attempts = await countFailure(em, row);
        if (attempts >= MAX_CONFIRM_ATTEMPTS) {
          if (await resolve(em, row, 'failed', now)) {
            await services.audit?.record(em, {
              actorId: userId,
              actorPhone: caller.phone,
              action: 'confirmation.failed',
              target: row.command,
              details: { confirmation: row.id, attempts },
              outcome: 'denied',
              channel: 'chat',
            });
          }
          throw new ForbiddenError(t('admin.confirm.too_many', { summary: row.summary }), 'CONFIRMATION_FAILED');
        }
        // A replayed authenticator code counts as a wrong one, but says why so the admin waits for the next.
        const key = check === 'reused' ? 'admin.confirm.totp_reused' : row.requiresTotp ? 'admin.confirm.wrong_totp' : 'admin.confirm.wrong_code';
        throw new ForbiddenError(t(key, { left: MAX_CONFIRM_ATTEMPTS - attempts }), 'CONFIRMATION_WRONG_CODE');
      }
      if (!(await resolve(em, row, 'confirmed', now))) return [text(t('admin.confirm.nothing_pending'))];
      return invoke(row.command, row.argsJson as RawArgs);
    },
  }),
});
