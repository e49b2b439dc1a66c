import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgAvailable } from '../../helpers/db.ts';
import type { DbKind } from '../../../src/config.ts';
import { makeAdminHarness, PHONES, seedTeam, type AdminHarness } from '../admin/harness.ts';
import { Pedido } from '../../../src/modules/orders/pedido.entity.ts';
import { addMessages, addOrders, makeClient } from './data.ts';

const ADMIN = PHONES.admin;

const hasPg = await pgAvailable();

for (const kind of ['sqlite', 'postgresql'] as DbKind[]) {
  describe.skipIf(kind === 'postgresql' && !hasPg)(`/segmento, /cliente and /pedido commands (${kind})`, () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await makeAdminHarness(kind);
      await seedTeam(h);
      const now = h.clock.now();
      await h.em(async (em) => {
        const a = await makeClient(em, '34613000001', { nombre: 'Ana', location: 'Madrid' });
        await addMessages(em, a, now, [['outbound', 3], ['inbound', 2], ['inbound', 1]]);
        await addOrders(em, a, now, [['700.00', 3], ['400.00', 40]]);
        const b = await makeClient(em, '34613000002', { nombre: 'Beto', location: 'Sevilla' });
        await addMessages(em, b, now, [['inbound', 60]]);
        await makeClient(em, '34613000003', { nombre: 'Carla' });
      });
    });
    afterAll(() => h.close());

    it('/segmento crear with clave=valor pairs or JSON, then lista, ver and miembros', async () => {
      expect(await h.say(ADMIN, '/segmento crear "Activos Madrid" last_interaction_days=30 location=madrid')).toContain('«Activos Madrid» (dinámico) creado: 1 clientes');
      expect(await h.say(ADMIN, '/segmento crear VIP {"transactional":{"total_spent":1000}} tipo=hibrido')).toContain('«VIP» (híbrido) creado: 1 clientes');
      expect(await h.say(ADMIN, '/segmento crear Feria tipo=manual')).toContain('«Feria» (manual) creado: 0 clientes');
      const list = await h.say(PHONES.analyst, '/segmento lista');
      expect(list).toContain('Segmentos* (3)');
      expect(list).toContain('• VIP — híbrido, 1 activos');
      const view = await h.say(PHONES.analyst, '/segmento ver activos madrid');
      expect(view).toContain('Miembros activos: 1');
      expect(view).toContain('Regla: {"demographic":{"location":"madrid"},"engagement":{"last_interaction_days":30}}');
      expect(view).toContain('Tendencia (activos por día): 11-24: 1');
      expect(await h.say(PHONES.analyst, '/segmento miembros VIP')).toMatch(/1\. \+34613000001 Ana — desde \d{4}-\d{2}-\d{2} \(por la regla\)/);
    });

    it('/segmento vista-previa counts and samples without saving', async () => {
      const out = await h.say(PHONES.analyst, '/segmento vista-previa {"engagement":{"message_count_threshold":1}}');
      expect(out).toContain('2 clientes cumplen');
      expect(out).toContain('+34613000001 Ana');
      expect(await h.say(PHONES.analyst, '/segmento lista')).toContain('(3)');
    });

    it('/segmento agregar, quitar, explicar, recalcular and exportar', async () => {
      expect(await h.say(ADMIN, '/segmento agregar Feria +34613000002, +34613000003, +34690000000')).toContain('2 cliente(s) añadidos a «Feria»; ahora tiene 2 activos.\nSin cliente registrado (no se han añadido): +34690000000.');
      expect(await h.say(ADMIN, '/segmento quitar Feria 34613000003, +34690000000')).toContain('1 cliente(s) quitados de «Feria»; ahora tiene 1 activos.\nSin cliente registrado (nada que quitar): +34690000000.');
      const why = await h.say(PHONES.analyst, '/segmento explicar VIP +34613000002');
      expect(why).toContain('+34613000002 en «VIP»: no es miembro');
      expect(why).toContain('❌ total_spent = 1000 → 0');
      const yes = await h.say(PHONES.analyst, '/segmento explicar "Activos Madrid" +34613000001');
      expect(yes).toContain('✅ location = madrid → Madrid');
      expect(yes).toContain('✅ last_interaction_days = 30 → hace 1 días');
      expect(yes).toMatch(/🗓️ Pertenencia: desde el \d{4}-\d{2}-\d{2}\./);
      expect(await h.say(PHONES.analyst, '/segmento explicar Feria +34613000002')).toContain('Segmento manual: la pertenencia es a mano (incluido a mano)');
      expect(await h.say(ADMIN, '/segmento recalcular VIP')).toContain('«VIP»: 1 activos');
      expect(await h.say(ADMIN, '/segmento recalcular')).toContain('2 segmentos dinámicos e híbridos recalculados');
      const [doc] = await h.send(ADMIN, '/segmento exportar VIP');
      expect(doc).toMatchObject({ kind: 'document', fileName: 'segmento-VIP.csv', mimetype: 'text/csv' });
      const csv = (doc as { buffer: Buffer }).buffer.toString('utf8');
      expect(csv.split('\n')[0]).toBe('telefono,nombre,desde,motivo');
      expect(csv).toContain('+34613000001,Ana,2026-11-24T10:00:00.000Z,rule');
    });

    it('/cliente shows contact, consent, messages, orders, explained scores and segments', async () => {
      expect(await h.say(ADMIN, '/segmento puntuar')).toMatch(/^Procesando \/segmento puntuar/);
      await h.router.idle();
      const done = h.delivered.at(-1)!;
      expect(done.jid).toBe(`${ADMIN}@s.whatsapp.net`);
      expect(done.reply.kind === 'text' && done.reply.text).toContain('Puntuaciones recalculadas para 4 clientes');
      const p = await h.say(PHONES.agent, '/cliente +34613000001');
      expect(p).toContain('*Ana* +34613000001');
      expect(p).toContain('Consentimiento de marketing: sin registrar');
      expect(p).toContain('Últimos mensajes:');
      expect(p).toContain('Pedidos (2, 1 100 gastados)');
      expect(p).toMatch(/\*Valor de vida\*: 2 200 \(percentil 100\)/);
      expect(p).toContain('· gastado hasta hoy: 1 100 × 1 = 1 100');
      expect(p).toContain('Datos de hoy: mensajes en 30 días 2 · días desde su último mensaje 1 · enviados en 90 días 1 · respondidos 1 · pedidos 2');
      expect(p).toContain('Segmentos: Activos Madrid, VIP');
      expect(await h.say(PHONES.agent, '/cliente +34613000003')).toContain('En ningún segmento');
    });

    it('/pedido registrar is idempotent on ref, /pedido lista shows the orders', async () => {
      expect(await h.say(PHONES.agent, '/pedido registrar +34613000003 35,50 confirmado ref=TPV-77')).toContain('registrado para +34613000003: 35.50 EUR (confirmado)');
      expect(await h.say(PHONES.agent, '/pedido registrar +34613000003 35.50 confirmado ref=TPV-77')).toContain('ya estaba registrado');
      expect(await h.em((em) => em.count(Pedido, { externalRef: 'TPV-77' } as never))).toBe(1);
      expect(await h.say(PHONES.analyst, '/pedido lista +34613000003')).toContain('35.50 EUR — confirmado · ref. TPV-77');
      expect(await h.say(PHONES.analyst, '/pedido lista +34613000099')).toContain('No hay ningún cliente con el teléfono 34613000099');
    });

    it('answers every bad input with a Spanish explanation and writes nothing', async () => {
      const cases: Array<[string, string, string | RegExp]> = [
        [ADMIN, '/segmento crear', 'Falta el argumento «nombre»'],
        [ADMIN, '/segmento crear X last_days=3', 'No conozco el criterio «last_days». Criterios válidos: location, age_range'],
        [ADMIN, '/segmento crear X {"engagement":{"dias":3}}', 'Claves válidas: last_interaction_days, message_count_threshold, response_rate_min'],
        [ADMIN, '/segmento crear X {"engagement":', 'no son un JSON válido'],
        [ADMIN, '/segmento crear X age_range=40-18', 'rango de edad'],
        [ADMIN, '/segmento crear X total_spent=mucho', 'total_spent'],
        [ADMIN, '/segmento crear X tipo=raro last_interaction_days=3', 'Tipo de segmento desconocido «raro»'],
        [ADMIN, '/segmento crear X tipo=manual total_spent=3', 'Un segmento manual no lleva criterios'],
        [ADMIN, '/segmento crear VIP total_spent=3', 'Ya existe un segmento llamado «VIP»'],
        [ADMIN, '/segmento crear "sin cerrar total_spent=3', 'comillas sin cerrar'],
        [ADMIN, '/segmento ver', 'Falta el argumento «nombre»'],
        [ADMIN, '/segmento ver Nadie', 'No existe ningún segmento llamado «Nadie»'],
        [ADMIN, '/segmento vista-previa', 'Falta el argumento «criterios»'],
        [ADMIN, '/segmento vista-previa foo=1', 'No conozco el criterio «foo»'],
        [ADMIN, '/segmento recalcular Nadie', 'No existe ningún segmento'],
        [ADMIN, '/segmento miembros VIP 0', 'página'],
        [ADMIN, '/segmento miembros VIP 9', 'La página 9 no existe'],
        [ADMIN, '/segmento agregar VIP', 'Falta el argumento «telefono»'],
        [ADMIN, '/segmento agregar "Activos Madrid" +34613000003', 'es dinámico'],
        [ADMIN, '/segmento quitar Nadie +34613000003', 'No existe ningún segmento'],
        [ADMIN, '/segmento agregar Feria +34613000001, 12', '"12" no es un teléfono válido'],
        [ADMIN, '/segmento quitar Feria hola', '"hola" no es un teléfono válido'],
        [ADMIN, '/segmento explicar VIP', 'Falta el argumento «telefono»'],
        [ADMIN, '/segmento explicar VIP 12', 'no es un teléfono válido'],
        [ADMIN, '/segmento explicar VIP +34613000099', 'No hay ningún cliente'],
        [ADMIN, '/segmento exportar', 'Falta el argumento «nombre»'],
        [ADMIN, '/segmento importar Feria', 'Adjunta un archivo CSV'],
        [ADMIN, '/segmento importar', 'Falta el argumento «nombre»'],
        [ADMIN, '/segmento puntuar ya', 'Sobran argumentos'],
        [ADMIN, '/segmento volar', 'No conozco «volar» como opción de /segmento'],
        [PHONES.analyst, '/segmento crear Y total_spent=1', 'no tienes permiso para usar /segmento crear'],
        [PHONES.viewer, '/segmento lista', 'no tienes permiso'],
        [PHONES.customer, '/segmento lista', 'no tienes permiso para usar comandos'],
        [PHONES.agent, '/cliente', 'Falta el argumento «telefono»'],
        [PHONES.agent, '/cliente 123', 'no es un teléfono válido'],
        [PHONES.agent, '/cliente +34613000099', 'No hay ningún cliente'],
        [PHONES.analyst, '/cliente +34613000001', 'no tienes permiso'],
        [PHONES.agent, '/pedido registrar +34613000001', 'Falta el argumento «total»'],
        [PHONES.agent, '/pedido registrar +34613000001 -5', 'El total "-5" no es válido'],
        [PHONES.agent, '/pedido registrar +34613000001 5 perdido', 'Estado de pedido desconocido «perdido»'],
        [PHONES.agent, '/pedido registrar +34613000001 5 moneda=EURO', 'moneda'],
        [PHONES.agent, '/pedido registrar +34613000001 5 color=rojo', 'Opción desconocida: color'],
        [PHONES.agent, '/pedido registrar +34613000001 99 ref=TPV-77', 'ya está registrada para otro cliente'],
        [PHONES.agent, '/pedido lista', 'Falta el argumento «telefono»'],
        [PHONES.analyst, '/pedido registrar +34613000001 5', 'no tienes permiso'],
      ];
      const before = await h.em((em) => em.count(Pedido, {}));
      for (const [who, cmd, expected] of cases) {
        const out = await h.say(who, cmd);
        if (typeof expected === 'string') expect(out, cmd).toContain(expected);
        else expect(out, cmd).toMatch(expected);
      }
      expect(await h.em((em) => em.count(Pedido, {}))).toBe(before);
      expect(await h.say(PHONES.analyst, '/segmento lista')).toContain('(3)');
      expect(await h.say(PHONES.analyst, '/segmento ver Feria')).toContain('Miembros activos: 1');
    });
  });
}
