import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * `template_sync_state`: small durable markers of the templates module (keyed rows), so they
 * survive restarts and are shared by every instance: the "expired token already alerted" marker
 * (the super_admins are told once, not on every call) and the last sync's outcome.
 */
export const TemplateSyncState = defineEntity({
  name: 'TemplateSyncState',
  tableName: 'template_sync_state',
  properties: {
    stateKey: p.string().length(64).primary(),
    stateValue: p.json<Record<string, unknown>>().nullable(),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
});
export type ITemplateSyncState = InferEntity<typeof TemplateSyncState>;
