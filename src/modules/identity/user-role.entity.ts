import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** `user_roles`: the RBAC roles (seeded from ROLES in permissions.ts). */
export const UserRole = defineEntity({
  name: 'UserRole',
  tableName: 'user_roles',
  properties: {
    roleId: p.integer().primary().autoincrement(),
    roleName: p.string().length(100).unique(),
    description: p.text().nullable(),
    /** 1-100 in the PRD (1 = viewer, 100 = admin); the `client` role uses 0. */
    permissionLevel: p.integer().nullable(),
    isSystemRole: p.boolean().default(false),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type IUserRole = InferEntity<typeof UserRole>;
