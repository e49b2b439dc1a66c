import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdminHarness, PHONES, type AdminHarness } from '../admin/harness.ts';
import { ROLE_MATRIX } from '../../../src/modules/identity/permissions.ts';
import { RolePermission } from '../../../src/modules/identity/role-permission.entity.ts';
import { UserPermission } from '../../../src/modules/identity/user-permission.entity.ts';
import { UserRole } from '../../../src/modules/identity/user-role.entity.ts';

describe('rbac service', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await makeAdminHarness();
    await h.grant(PHONES.manager, 'manager');
    await h.grant(PHONES.customer, 'client');
  });
  afterAll(async () => h?.close());

  it('resolves a phone to its role, level and the seeded permissions', async () => {
    const caller = await h.em((em) => h.services.rbac!.identify(em, '+34 600 000 003'));
    expect(caller).toMatchObject({ phone: PHONES.manager, roleName: 'manager', level: 60, isStaff: true, active: true, totpEnabled: false });
    expect([...caller.permissions].sort()).toEqual([...ROLE_MATRIX.manager].sort());
  });

  it('treats customers and unknown numbers as having no permissions', async () => {
    const customer = await h.em((em) => h.services.rbac!.identify(em, PHONES.customer));
    expect(customer).toMatchObject({ roleName: 'client', isStaff: false });
    const stranger = await h.em((em) => h.services.rbac!.identify(em, 'hola'));
    expect(stranger).toMatchObject({ userId: null, roleName: null, isStaff: false, active: false });
    expect(await h.services.rbac!.can(PHONES.customer, 'reports.view')).toBe(false);
  });

  it('answers can() by phone or user id', async () => {
    const id = (await h.user(PHONES.manager))!.id;
    expect(await h.services.rbac!.can(PHONES.manager, 'campaigns.send')).toBe(true);
    expect(await h.services.rbac!.can(id, 'campaigns.send')).toBe(true);
    expect(await h.services.rbac!.can(id, 'audit.read')).toBe(false);
  });

  it('caches role permissions until invalidated', async () => {
    const rbac = h.services.rbac!;
    expect(await rbac.can(PHONES.manager, 'audit.read')).toBe(false);
    await h.em(async (em) => {
      const role = await em.findOneOrFail(UserRole, { roleName: 'manager' });
      const perm = await em.findOneOrFail(UserPermission, { permissionName: 'audit.read' });
      em.create(RolePermission, { role, permission: perm });
      await em.flush();
    });
    expect(await rbac.can(PHONES.manager, 'audit.read')).toBe(false);
    rbac.invalidate();
    expect(await rbac.can(PHONES.manager, 'audit.read')).toBe(true);
    expect((await rbac.permissionsOf('manager')).has('audit.read')).toBe(true);
  });

  it('applies a role change on the next lookup, without waiting for the cache', async () => {
    await h.grant(PHONES.manager, 'viewer');
    expect(await h.services.rbac!.can(PHONES.manager, 'campaigns.send')).toBe(false);
  });
});
