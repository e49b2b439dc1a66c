import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withEm } from '../../src/db/orm.ts';
import { grantRole } from '../../src/modules/identity/identity.service.ts';
import { t } from '../../src/shared/i18n/index.ts';
import { openChat, PLATFORMS, type ChatDriver } from './drivers.ts';

const ADMIN = '34600000010';
const CUSTOMER = '34600000011';
const TARGET = '34600000012';
const codeIn = (reply: string | undefined) => /\/confirmar ([A-Z0-9]{6})/.exec(reply ?? '')?.[1];

describe.each(PLATFORMS)('admin commands over %s (same router, RBAC, confirmation and audit)', (platform) => {
  let c: ChatDriver;
  beforeEach(async () => {
    c = await openChat(platform);
    await withEm(c.orm, async (em) => {
      await grantRole(em, ADMIN, 'admin');
      await grantRole(em, TARGET, 'viewer');
    });
  });
  afterEach(async () => c.cleanup());

  const audit = () => c.sql<{ action: string; outcome: string; actor_phone: string; channel: string }>('select action, outcome, actor_phone, channel from audit_log order by id');

  it('refuses a customer politely and audits the attempt', async () => {
    expect(await c.say(CUSTOMER, '/ayuda')).toEqual([t('admin.forbidden_customer')]);
    expect(await audit()).toEqual([{ action: 'command.denied', outcome: 'denied', actor_phone: CUSTOMER, channel: 'chat' }]);
    expect(await c.sql("select origin from conversations_log where message_direction = 'outbound'")).toEqual([{ origin: 'command' }]);
  });

  it('runs /ayuda for staff and a sensitive /rol asignar only after /confirmar, audited', async () => {
    const [help] = await c.say(ADMIN, '/ayuda');
    expect(help).toContain('/rol');
    const [ask] = await c.say(ADMIN, `/rol asignar +${TARGET} agent`);
    const code = codeIn(ask);
    expect(code).toMatch(/^[A-Z2-9]{6}$/);
    expect((await c.sql('select r.role_name from usuarios u join user_roles r on r.role_id = u.role_id where u."phoneNumber" = ?', [TARGET]))[0]).toEqual({ role_name: 'viewer' });
    const [done] = await c.say(ADMIN, `/confirmar ${code}`);
    expect(done).toContain('ahora tiene el rol *agent*');
    expect((await c.sql('select r.role_name from usuarios u join user_roles r on r.role_id = u.role_id where u."phoneNumber" = ?', [TARGET]))[0]).toEqual({ role_name: 'agent' });
    const rows = await audit();
    expect(rows.filter((r) => r.action === 'command.ayuda').map((r) => r.outcome)).toEqual(['allowed', 'success']);
    expect(rows.filter((r) => r.action === 'command.rol.asignar').map((r) => r.outcome)).toContain('success');
    // Secrets typed in commands are stored redacted on both platforms.
    const typed = await c.sql<{ body: string }>("select body from conversations_log where message_direction = 'inbound' and body like '/confirmar%'");
    expect(typed[0]!.body).not.toContain(code!);
  });
});
