import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { initOrm } from '../../src/db/orm.ts';
import { migrateAndSeed } from '../../src/db/seeds.ts';

/**
 * Upgrading a database that already holds data: SQLite table rebuilds (MikroORM's way to change a
 * column) must keep every row, and data that predates explicit consent is settled at boot.
 */
describe('upgrading an existing SQLite database to the current schema', () => {
  it('keeps users, orders and messages, and turns marketing without recorded consent into unknown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mariadono-upgrade-'));
    const orm = await initOrm(loadConfig({ STORAGE_DIR: dir, LOG_LEVEL: 'silent' }));
    try {
      await orm.migrator.up({ to: 'Migration20261124061028_meta_pending_status' });
      const c = orm.em.fork().getConnection();
      await c.execute(`insert into usuarios ("phoneNumber", nombre, marketing_opt_in, consent_at) values ('34600000001', 'Ana', 1, null), ('34600000002', 'Bea', 1, '2026-11-01T10:00:00.000Z'), ('34600000003', 'Carla', 0, null)`);
      await c.execute(`update usuarios set opt_out_at = '2026-11-02T10:00:00.000Z' where "phoneNumber" = '34600000003'`);
      await c.execute(`insert into conversations_log ("from", cliente_id, date, message_id, message_direction) values ('34600000001', 1, '2026-11-03T10:00:00.000Z', 'M1', 'inbound')`);
      await c.execute(`insert into customer_reports (report_id, cliente_id, report_type) values ('00000000-0000-4000-8000-000000000001', 1, 'growth')`);
      await migrateAndSeed(orm);
      expect(await c.execute('select "phoneNumber", marketing_opt_in, marketing_consent, legal_hold from usuarios where "phoneNumber" like \'346000000%\' order by id')).toEqual([
        { phoneNumber: '34600000001', marketing_opt_in: 0, marketing_consent: null, legal_hold: 0 },
        { phoneNumber: '34600000002', marketing_opt_in: 1, marketing_consent: 'granted', legal_hold: 0 },
        { phoneNumber: '34600000003', marketing_opt_in: 0, marketing_consent: 'revoked', legal_hold: 0 },
      ]);
      expect(await c.execute('select cliente_id, message_id, reply_state from conversations_log')).toEqual([{ cliente_id: 1, message_id: 'M1', reply_state: null }]);
      expect(await c.execute('select cliente_id from customer_reports')).toEqual([{ cliente_id: 1 }]);
    } finally {
      await orm.close(true);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
