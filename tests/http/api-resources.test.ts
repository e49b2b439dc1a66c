import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/modules/identity/audit-log.entity.ts';
import { Usuario } from '../../src/modules/identity/usuario.entity.ts';
import { Pedido } from '../../src/modules/orders/pedido.entity.ts';
import { CustomerSegment } from '../../src/modules/segments/customer-segment.entity.ts';
import { SegmentMember } from '../../src/modules/segments/segment-member.entity.ts';
import { TemplateButton } from '../../src/modules/templates/template-button.entity.ts';
import { TemplateVariable } from '../../src/modules/templates/template-variable.entity.ts';
import { fork, makeTemplate, makeUser } from '../modules/meta/rows.ts';
import { bearer, loginAs, startTestServer, type TestServer } from './setup.ts';

let srv: TestServer;
let admin: { token: string; userId: number };

beforeAll(async () => {
  srv = await startTestServer();
  admin = await loginAs(srv, '34600000402', 'admin');
});
afterAll(() => srv.close());

const get = (url: string) => srv.app.inject({ url, headers: bearer(admin.token) });
const postOrder = (payload: unknown) => srv.app.inject({ method: 'POST', url: '/api/pedidos', payload: payload as never, headers: bearer(admin.token) });

describe('/api/templates', () => {
  it('lists with filters and gets one with its variables and buttons', async () => {
    const em = fork(srv.orm);
    const tpl = await makeTemplate(em, { templateName: 'aviso_envio', status: 'approved', approvalStatusMeta: 'approved', bodyText: 'Tu pedido {{1}} sale hoy' });
    await makeTemplate(em, { templateName: 'borrador_x', status: 'draft' });
    em.create(TemplateVariable, { template: tpl, variableName: 'pedido', variablePlaceholder: '{{1}}', variableType: 'text', exampleValue: 'A-123' } as never);
    em.create(TemplateButton, { template: tpl, buttonText: 'Ver pedido', buttonType: 'visit_website', buttonValue: 'https://tienda.example/p', buttonOrder: 1 } as never);
    await em.flush();
    const list = (await get('/api/templates?status=approved')).json();
    expect(list.items.map((x: { template_name: string }) => x.template_name)).toEqual(['aviso_envio']);
    const one = (await get(`/api/templates/${tpl.templateId}`)).json();
    expect(one).toMatchObject({
      template_name: 'aviso_envio', body_text: 'Tu pedido {{1}} sale hoy', approval_status_meta: 'approved',
      variables: [{ name: 'pedido', placeholder: '{{1}}', type: 'text', required: true, example: 'A-123' }],
      buttons: [{ text: 'Ver pedido', type: 'visit_website', value: 'https://tienda.example/p', order: 1 }],
    });
    expect((await get('/api/templates/5b8c5f0e-7c1e-4a7e-9d55-0e6a8f3b1c2d')).json().error.code).toBe('TEMPLATE_NOT_FOUND');
  });
});

describe('/api/segments', () => {
  it('lists segments and pages through active members', async () => {
    const em = fork(srv.orm);
    const seg = em.create(CustomerSegment, { segmentName: 'Compradores frecuentes', segmentType: 'dynamic', createdByUser: admin.userId, totalCustomers: 3 } as never);
    await em.flush();
    for (const [i, phone] of ['34622000001', '34622000002', '34622000003'].entries()) {
      const u = await makeUser(em, phone, `Cliente ${i + 1}`);
      em.create(SegmentMember, { segment: seg, cliente: u, joinedDate: new Date(Date.UTC(2026, 0, i + 1)), isActive: i < 2 } as never);
    }
    await em.flush();
    expect((await get('/api/segments')).json().items.map((s: { segment_name: string }) => s.segment_name)).toContain('Compradores frecuentes');
    const page1 = (await get(`/api/segments/${seg.segmentId}/members?limit=1`)).json();
    expect(page1).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(page1.items[0]).toMatchObject({ phone: '34622000001', nombre: 'Cliente 1', is_active: true });
    const page2 = (await get(`/api/segments/${seg.segmentId}/members?limit=1&offset=1`)).json();
    expect(page2.items[0].phone).toBe('34622000002');
    expect((await get(`/api/segments/${seg.segmentId}/members?include_inactive=true`)).json().total).toBe(3);
    expect((await get('/api/segments/5b8c5f0e-7c1e-4a7e-9d55-0e6a8f3b1c2d/members')).statusCode).toBe(404);
  });
});

describe('/api/clients/:phone', () => {
  it('finds a client by phone in any common format, with counts', async () => {
    await makeUser(fork(srv.orm), '34633000001', 'Rosa');
    for (const phone of ['34633000001', '+34633000001', '%2B34%20633%20000%20001']) {
      const res = await get(`/api/clients/${phone}`);
      expect(res.statusCode, phone).toBe(200);
      expect(res.json()).toMatchObject({ phone: '34633000001', nombre: 'Rosa', role: 'client', counts: { messages: 0, orders: 0, files: 0 } });
    }
  });

  it('explains a bad phone (400) and an unknown one (404) in Spanish', async () => {
    for (const url of ['/api/clients/abcdefg', '/api/clients/%25E0%25A4%25A']) {
      const bad = await get(url);
      expect(bad.statusCode, url).toBe(400);
      expect(bad.json().error).toMatchObject({ code: 'INVALID_PHONE', message: expect.stringContaining('formato internacional') });
    }
    const unknown = await get('/api/clients/34699111222');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toBe('No hay ningún cliente con el teléfono 34699111222.');
  });
});

describe('POST /api/pedidos', () => {
  it('creates the client if new and records the order (201), audited', async () => {
    const res = await postOrder({ phone: '+34 644 000 001', total: 49.9, external_ref: 'TPV-1001', nombre: 'Nuevo Cliente', notes: 'Recoge en tienda' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ created: true, client_created: true, pedido: { phone: '34644000001', total: '49.90', currency: 'EUR', estado: 'pendiente', external_ref: 'TPV-1001' } });
    const user = await fork(srv.orm).findOneOrFail(Usuario, { phoneNumber: '34644000001' });
    expect(user.nombre).toBe('Nuevo Cliente');
    expect(await fork(srv.orm).count(AuditLog, { action: 'orders.create', target: String(body.pedido.id) })).toBe(1);
  });

  it('is idempotent on external_ref: the same order again answers 200 with the first one', async () => {
    const first = (await postOrder({ phone: '34644000002', total: '10', external_ref: 'SHOP-7' })).json();
    const again = await postOrder({ phone: '34644000002', total: '10.00', external_ref: 'SHOP-7' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, pedido: { id: first.pedido.id } });
    expect(await fork(srv.orm).count(Pedido, { externalRef: 'SHOP-7' })).toBe(1);
  });

  it('answers 409 when the reference is reused for another client or amount', async () => {
    await postOrder({ phone: '34644000003', total: '5.00', external_ref: 'SHOP-8' });
    const other = await postOrder({ phone: '34644000004', total: '5.00', external_ref: 'SHOP-8' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toMatchObject({ code: 'ORDER_REF_CONFLICT', message: expect.stringContaining('SHOP-8') });
  });

  it('explains an invalid amount or phone', async () => {
    const amount = await postOrder({ phone: '34644000005', total: '12,345' });
    expect(amount.statusCode).toBe(400);
    expect(amount.json().error).toMatchObject({ code: 'INVALID_TOTAL', message: expect.stringContaining('49.90') });
    const phone = await postOrder({ phone: '12ab34cd', total: '1' });
    expect(phone.json().error.code).toBe('INVALID_PHONE');
  });
});
