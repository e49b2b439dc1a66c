import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** `user_permissions`: the permission catalog (seeded from PERMISSIONS in permissions.ts). */
export const UserPermission = defineEntity({
  name: 'UserPermission',
  tableName: 'user_permissions',
  properties: {
    permissionId: p.integer().primary().autoincrement(),
    permissionName: p.string().length(100).unique(),
    description: p.text().nullable(),
    module: p.string().length(50).nullable(),
    action: p.string().length(50).nullable(),
    resourceType: p.string().length(100).nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
});
export type IUserPermission = InferEntity<typeof UserPermission>;
