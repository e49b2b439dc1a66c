import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockGraph, type MockGraph } from '../helpers/mock-graph.ts';
import { TEST_WABA_ID } from '../helpers/meta.ts';
import { AuditLog } from '../../src/modules/identity/audit-log.entity.ts';
import { TemplateVersion } from '../../src/modules/templates/template-version.entity.ts';
import { fork } from '../modules/meta/rows.ts';
import { bearer, loginAs, startTestServer, type TestServer } from './setup.ts';

/** POST/PATCH /api/templates… call the same service as /plantilla (validation, versions, Meta). */

let srv: TestServer;
let mock: MockGraph;
let manager: string;
let analyst: string;
beforeAll(async () => {
  mock = await startMockGraph();
  srv = await startTestServer({ env: { META_GRAPH_URL: mock.baseUrl, META_ACCESS_TOKEN: mock.token } });
  manager = (await loginAs(srv, '34600000503', 'manager')).token;
  analyst = (await loginAs(srv, '34600000505', 'analyst')).token;
});
afterAll(async () => {
  await srv.close();
  await mock.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, token = manager) =>
  srv.app.inject({ method, url, payload: payload as never, headers: bearer(token) });

describe('/api/templates writes', () => {
  let id: string;

  it('creates a draft (201) with named variables mapped, and refuses a broken rule naming it (400)', async () => {
    const res = await call('POST', '/api/templates', {
      name: 'cita_recordatorio', category: 'support', language: 'es', body: 'Hola {{nombre}}, te esperamos el {{fecha}}.', footer: 'Clínica Ejemplo',
      buttons: [{ type: 'quick_reply', text: 'Confirmo' }], variables: { nombre: { example: 'Ana' }, fecha: { example: '2026-12-01', type: 'datetime' } },
    });
    expect(res.statusCode).toBe(201);
    id = res.json().template_id;
    expect(res.json()).toMatchObject({
      status: 'draft', body_text: 'Hola {{1}}, te esperamos el {{2}}.', version: 1,
      variables: [{ name: 'nombre', placeholder: '{{1}}', example: 'Ana' }, { name: 'fecha', placeholder: '{{2}}', type: 'datetime' }],
      buttons: [{ text: 'Confirmo', type: 'quick_reply', order: 1 }],
    });
    const bad = await call('POST', '/api/templates', { name: 'mala', category: 'support', body: '{{1}} hola', variables: { 1: { example: 'x' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'TEMPLATE_INVALID' });
    expect(bad.json().error.message).toContain('Regla «variables en los extremos»');
    expect((await call('POST', '/api/templates', { name: 'cita_recordatorio', category: 'support', body: 'Hola' })).statusCode).toBe(409);
    expect((await call('POST', '/api/templates', { name: 'x', category: 'support', body: 'Hola' }, analyst)).statusCode).toBe(403);
  });

  it('submits to Meta, then a PATCH writes version 2 and sends the edit to Meta', async () => {
    const sub = await call('POST', `/api/templates/${id}/submit`, {});
    expect(sub.statusCode).toBe(200);
    expect(sub.json()).toMatchObject({ status: 'pending_approval', meta_template_id: expect.any(String) });
    expect(mock.templates.find((t) => t.name === 'cita_recordatorio')).toMatchObject({ category: 'UTILITY' });
    expect((await call('PATCH', `/api/templates/${id}`, { body: 'Hola' })).statusCode).toBe(400);
    const res = await call('PATCH', `/api/templates/${id}`, { body: 'Hola {{nombre}}, te esperamos el {{fecha}} a las 10.', reason: 'hora' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 2, status: 'pending_approval', body_text: 'Hola {{1}}, te esperamos el {{2}} a las 10.' });
    const versions = await fork(srv.orm).find(TemplateVersion, { template: id } as never, { orderBy: { versionNumber: 'asc' } });
    expect(versions.map((v) => v.changeReason)).toEqual(['creación', 'hora']);
    const audit = await fork(srv.orm).find(AuditLog, { action: { $in: ['templates.create', 'templates.submit', 'templates.edit'] } } as never, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.channel])).toEqual([['templates.create', 'http'], ['templates.submit', 'http'], ['templates.edit', 'http']]);
  });

  it('syncs with Meta', async () => {
    mock.addTemplate({ name: 'desde_meta', components: [{ type: 'BODY', text: 'Un aviso desde el administrador de Meta.' }] });
    expect((await call('POST', '/api/templates/sync', undefined, analyst)).statusCode).toBe(403);
    const res = await call('POST', '/api/templates/sync');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ total: 2, imported: 1 });
    expect((await call('GET', '/api/templates?status=approved')).json().items.map((t: { template_name: string }) => t.template_name)).toEqual(['desde_meta']);
    expect(TEST_WABA_ID).toMatch(/^\d+$/);
  });
});
