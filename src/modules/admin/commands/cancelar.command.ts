import { z } from 'zod';
import { text } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { defineAction, defineCommand } from '../registry.ts';
import { cancelPending } from '../confirmations.ts';

/** `/cancelar`: drops the caller's pending confirmation, if any. */
export const cancelarCommand = defineCommand({
  name: 'cancelar',
  aliases: ['cancel'],
  description: 'Cancela la acción pendiente de confirmación',
  action: defineAction({
    description: 'Cancela la acción que espera confirmación',
    permission: null,
    args: z.object({}).strict(),
    usage: '/cancelar',
    examples: ['/cancelar'],
    async run({ em, caller, now }) {
      const row = await cancelPending(em, caller.userId!, now);
      return [text(row ? t('admin.confirm.cancelled', { summary: row.summary }) : t('admin.confirm.nothing_pending'))];
    },
  }),
});
