import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { UserRole } from './user-role.entity.ts';
import { UserPermission } from './user-permission.entity.ts';

/** `role_permissions`: the role → permission matrix (seeded from ROLE_MATRIX). */
export const RolePermission = defineEntity({
  name: 'RolePermission',
  tableName: 'role_permissions',
  properties: {
    rolePermissionId: p.integer().primary().autoincrement(),
    role: () => p.manyToOne(UserRole).fieldName('role_id').deleteRule('cascade').index(false),
    permission: () => p.manyToOne(UserPermission).fieldName('permission_id').deleteRule('cascade'),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  uniques: [{ name: 'unique_role_permission', properties: ['role', 'permission'] }],
});
export type IRolePermission = InferEntity<typeof RolePermission>;
