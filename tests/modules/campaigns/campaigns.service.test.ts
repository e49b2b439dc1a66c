import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrm, pgAvailable, type TestOrm } from '../../helpers/db.ts';
import { silentLogger } from '../../../src/logger.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { createCampaignsService } from '../../../src/modules/campaigns/campaigns.service.ts';
import { Campaign } from '../../../src/modules/campaigns/campaign.entity.ts';
import { fork, makeUser } from '../meta/rows.ts';

const kinds = [{ kind: 'sqlite' as const, run: true }, { kind: 'postgresql' as const, run: await pgAvailable() }];

describe.each(kinds.filter((k) => k.run))('campaign status transitions on $kind', ({ kind }) => {
  let db: TestOrm;
  let service: ReturnType<typeof createCampaignsService>;
  let owner: number;
  const clock = new ManualClock(new Date('2026-11-30T10:00:00Z'));
  beforeAll(async () => {
    db = await createTestOrm(kind);
    service = createCampaignsService({ config: db.config, logger: silentLogger(), orm: db.orm, clock });
    owner = (await makeUser(fork(db.orm), '34699000001', 'Gerente')).id;
  });
  afterAll(() => db.cleanup());

  const statusOf = async (id: string) => (await fork(db.orm).findOneOrFail(Campaign, { campaignId: id } as never)).status;

  it('follows the rules: draft → scheduled (future start only) → paused → cancelled, and cancelled is final', async () => {
    const c = await service.create(fork(db.orm), owner, { campaign_name: 'Navidad', campaign_type: 'broadcast' });
    await expect(service.transition(fork(db.orm), c.campaignId, 'schedule', { start_date: '2026-11-29T10:00:00Z' })).rejects.toMatchObject({ code: 'START_DATE_PAST' });
    expect((await service.transition(fork(db.orm), c.campaignId, 'schedule', { start_date: '2026-12-20T10:00:00Z' })).from).toBe('draft');
    expect(await statusOf(c.campaignId)).toBe('scheduled');
    await service.transition(fork(db.orm), c.campaignId, 'pause');
    await service.transition(fork(db.orm), c.campaignId, 'cancel');
    await expect(service.transition(fork(db.orm), c.campaignId, 'schedule')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(service.update(fork(db.orm), c.campaignId, { description: 'x' })).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_EDITABLE' });
  });

  it('never lets a late pause undo a cancel that won the race: each transition is one conditional update', async () => {
    for (let i = 0; i < 10; i++) {
      const c = await service.create(fork(db.orm), owner, { campaign_name: `Carrera ${i}`, campaign_type: 'broadcast' });
      await service.transition(fork(db.orm), c.campaignId, 'schedule', { start_date: '2026-12-20T10:00:00Z' });
      const [pause, cancel] = await Promise.allSettled([
        service.transition(fork(db.orm), c.campaignId, 'pause'),
        service.transition(fork(db.orm), c.campaignId, 'cancel'),
      ]);
      expect(cancel.status).toBe('fulfilled');
      expect(await statusOf(c.campaignId)).toBe('cancelled');
      if (pause.status === 'rejected') expect(pause.reason).toMatchObject({ code: 'INVALID_TRANSITION' });
    }
  });

  it('refuses a transition when the dispatcher moved the campaign meanwhile, leaving its status alone', async () => {
    const c = await service.create(fork(db.orm), owner, { campaign_name: 'Rebajas', campaign_type: 'broadcast' });
    await service.transition(fork(db.orm), c.campaignId, 'schedule', { start_date: '2026-12-20T10:00:00Z' });
    await fork(db.orm).nativeUpdate(Campaign, { campaignId: c.campaignId } as never, { status: 'completed' } as never);
    await expect(service.transition(fork(db.orm), c.campaignId, 'pause')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(await statusOf(c.campaignId)).toBe('completed');
  });
});
