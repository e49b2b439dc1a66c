import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/modules/identity/audit-log.entity.ts';
import { Campaign } from '../../src/modules/campaigns/campaign.entity.ts';
import { CustomerSegment } from '../../src/modules/segments/customer-segment.entity.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { fork } from '../modules/meta/rows.ts';
import { bearer, loginAs, startTestServer, type TestServer } from './setup.ts';

let srv: TestServer;
let manager: { token: string; userId: number };
const clock = new ManualClock(new Date());

beforeAll(async () => {
  srv = await startTestServer({ clock });
  manager = await loginAs(srv, '34600000203', 'manager');
});
afterAll(() => srv.close());

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  srv.app.inject({ method, url, payload: payload as never, headers: bearer(manager.token) });
const future = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

async function create(name = 'Rebajas de verano') {
  const res = await api('POST', '/api/campaigns', { campaign_name: name, campaign_type: 'broadcast', description: 'Toda la tienda al 30 %' });
  expect(res.statusCode).toBe(201);
  return res.json() as { campaign_id: string; status: string };
}

describe('/api/campaigns CRUD', () => {
  it('creates a draft on the WhatsApp channel owned by the caller, and audits it', async () => {
    const c = await create();
    expect(c).toMatchObject({ status: 'draft', campaign_name: 'Rebajas de verano', channel_id: 1, created_by_user_id: manager.userId, target_segment_id: null });
    const row = await fork(srv.orm).findOneOrFail(Campaign, { campaignId: c.campaign_id });
    expect(row.description).toBe('Toda la tienda al 30 %');
    const audit = await fork(srv.orm).find(AuditLog, { action: 'campaigns.create', target: c.campaign_id });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'success', channel: 'http' });
  });

  it('lists with pagination and a status filter, and gets one', async () => {
    await create('Otra');
    const list = (await api('GET', '/api/campaigns?limit=1&offset=0&status=draft')).json();
    expect(list).toMatchObject({ limit: 1, offset: 0 });
    expect(list.items).toHaveLength(1);
    expect(list.total).toBeGreaterThanOrEqual(2);
    const one = await api('GET', `/api/campaigns/${list.items[0].campaign_id}`);
    expect(one.json()).toMatchObject({ campaign_id: list.items[0].campaign_id });
  });

  it('answers 404 CAMPAIGN_NOT_FOUND for an unknown id', async () => {
    const res = await api('GET', '/api/campaigns/5b8c5f0e-7c1e-4a7e-9d55-0e6a8f3b1c2d');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'CAMPAIGN_NOT_FOUND', message: expect.stringContaining('No existe ninguna campaña') });
  });

  it('updates a draft, linking a segment that exists and refusing one that does not', async () => {
    const c = await create();
    const em = fork(srv.orm);
    const seg = em.create(CustomerSegment, { segmentName: 'VIP', segmentType: 'manual', createdByUser: manager.userId } as never);
    await em.flush();
    const ok = await api('PATCH', `/api/campaigns/${c.campaign_id}`, { campaign_name: 'Rebajas VIP', target_segment_id: seg.segmentId });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ campaign_name: 'Rebajas VIP', target_segment_id: seg.segmentId });
    const bad = await api('PATCH', `/api/campaigns/${c.campaign_id}`, { target_segment_id: '5b8c5f0e-7c1e-4a7e-9d55-0e6a8f3b1c2d' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('SEGMENT_NOT_FOUND');
    const badChannel = await api('PATCH', `/api/campaigns/${c.campaign_id}`, { channel_id: 999 });
    expect(badChannel.json().error).toMatchObject({ code: 'CHANNEL_NOT_FOUND', message: expect.stringContaining('1 (WhatsApp)') });
  });

  it('refuses an end date before the start date', async () => {
    const c = await create();
    const res = await api('PATCH', `/api/campaigns/${c.campaign_id}`, { start_date: future(7_200_000), end_date: future(3_600_000) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('END_BEFORE_START');
  });
});

describe('/api/campaigns status transitions', () => {
  it('schedules a draft for the future, pauses it, reschedules and cancels it, auditing each step', async () => {
    const c = await create();
    const sched = await api('POST', `/api/campaigns/${c.campaign_id}/schedule`, { start_date: future(86_400_000) });
    expect(sched.statusCode).toBe(200);
    expect(sched.json().status).toBe('scheduled');
    expect((await api('POST', `/api/campaigns/${c.campaign_id}/pause`, {})).json().status).toBe('paused');
    expect((await api('POST', `/api/campaigns/${c.campaign_id}/schedule`, { start_date: future(2 * 86_400_000) })).json().status).toBe('scheduled');
    expect((await api('POST', `/api/campaigns/${c.campaign_id}/cancel`, {})).json().status).toBe('cancelled');
    const actions = (await fork(srv.orm).find(AuditLog, { target: c.campaign_id }, { orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['campaigns.create', 'campaigns.schedule', 'campaigns.pause', 'campaigns.schedule', 'campaigns.cancel']);
  });

  it('refuses to schedule without a start date or with one in the past', async () => {
    const c = await create();
    const none = await api('POST', `/api/campaigns/${c.campaign_id}/schedule`, {});
    expect(none.statusCode).toBe(400);
    expect(none.json().error).toMatchObject({ code: 'START_DATE_REQUIRED', message: expect.stringContaining('start_date') });
    const past = await api('POST', `/api/campaigns/${c.campaign_id}/schedule`, { start_date: future(-60_000) });
    expect(past.statusCode).toBe(400);
    expect(past.json().error).toMatchObject({ code: 'START_DATE_PAST', message: expect.stringContaining('ya ha pasado') });
    expect((await fork(srv.orm).findOneOrFail(Campaign, { campaignId: c.campaign_id })).status).toBe('draft');
  });

  it('refuses transitions out of a final state with 409 INVALID_TRANSITION', async () => {
    const c = await create();
    await api('POST', `/api/campaigns/${c.campaign_id}/cancel`, {});
    const again = await api('POST', `/api/campaigns/${c.campaign_id}/schedule`, { start_date: future(86_400_000) });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'INVALID_TRANSITION', message: expect.stringContaining('No se puede programar una campaña en estado "cancelled"') });
    const pauseDraft = await create();
    expect((await api('POST', `/api/campaigns/${pauseDraft.campaign_id}/pause`, {})).statusCode).toBe(409);
    const edit = await api('PATCH', `/api/campaigns/${c.campaign_id}`, { campaign_name: 'z' });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.code).toBe('CAMPAIGN_NOT_EDITABLE');
  });

  it('keeps a scheduled campaign in the future when it is edited', async () => {
    const c = await create();
    await api('POST', `/api/campaigns/${c.campaign_id}/schedule`, { start_date: future(3_600_000) });
    clock.advance(7_200_000);
    const res = await api('PATCH', `/api/campaigns/${c.campaign_id}`, { description: 'cambio' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('START_DATE_PAST');
  });
});
