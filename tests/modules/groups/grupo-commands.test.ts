import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type TestHarness } from '../../helpers/replay.ts';
import { CLIENTS, G1, G2, G3, STAFF, command, feedMessages, groupMessage, groupsHarness, jid } from './fixture.ts';

describe('/grupo and /reporte grupo: output, permissions and every bad input', () => {
  let h: TestHarness;
  const run = async (phone: string, text: string) => (await command(h, phone, text)).join('\n\n');
  const manager = (text: string) => run(STAFF.manager, text);
  beforeAll(async () => {
    h = await groupsHarness();
    h.socket.setGroups([
      { id: G1, subject: 'Clientes VIP', desc: 'Novedades para clientes', owner: jid(CLIENTS.ana), participants: [{ id: jid(CLIENTS.ana), admin: 'superadmin' }, { id: jid(CLIENTS.beto), admin: 'admin' }, { id: jid('34699999999') }] },
      { id: G2, subject: 'Club de Lectura', participants: [{ id: jid(CLIENTS.carla) }] },
      { id: G3, subject: 'Clientes Norte', participants: [{ id: jid(CLIENTS.beto) }] },
    ] as never);
    await h.services.groups.syncWhatsAppGroups();
    await feedMessages(h, [groupMessage(G1, CLIENTS.ana, 'C-1', 60), groupMessage(G1, CLIENTS.beto, 'C-2', 120)]);
  });
  afterAll(async () => h?.cleanup());

  it('lists groups and shows one with members, roles, join dates and activity', async () => {
    expect((await run(STAFF.agent, '/grupo lista')).split('\n')).toEqual([
      '*Grupos activos* (3) · miembros · mensajes en 30 días · último mensaje · clientes',
      '• Clientes Norte — id 120363000000000003 · 1 · 0 · nunca · 1',
      '• Clientes VIP — id 120363000000000001 · 3 · 2 · 24/11/2024, 04:48 · 2',
      '• Club de Lectura — id 120363000000000002 · 1 · 0 · nunca · 1',
      'Detalle: /grupo ver <grupo> (nombre, principio del nombre o id).',
    ]);
    expect((await run(STAFF.agent, '/grupo ver clientes vip')).split('\n')).toEqual([
      '*Clientes VIP* — id 120363000000000001',
      'Descripción: Novedades para clientes',
      'Propietario en WhatsApp: +34600000001',
      'Cliente propietario: Ana (+34600000001)',
      '',
      '*Miembros* (3):',
      '• Ana (+34600000001) — creador · desde 24/11/2024, 04:46',
      '• Beto (+34600000002) — admin · desde 24/11/2024, 04:46',
      '• +34699999999 — miembro · desde 24/11/2024, 04:46',
      '',
      'Actividad: 2 mensajes en total, 2 en los últimos 30 días; último: 24/11/2024, 04:48.',
      'Clientes vinculados: Ana (+34600000001) — propietario, principal; Beto (+34600000002) — miembro, principal',
      'Última sincronización: 24/11/2024, 04:46',
    ]);
    // By id and by JID too; an exact subject wins over longer ones.
    expect(await run(STAFF.agent, '/grupo ver 120363000000000002')).toMatch(/^\*Club de Lectura\*/);
    expect(await run(STAFF.agent, `/grupo ver ${G2}`)).toMatch(/^\*Club de Lectura\*/);
    // A group we left shows up in "todos" only.
    h.socket.setGroups([{ id: G1, subject: 'Clientes VIP', owner: jid(CLIENTS.ana), participants: [{ id: jid(CLIENTS.ana), admin: 'superadmin' }, { id: jid(CLIENTS.beto), admin: 'admin' }, { id: jid('34699999999') }] }, { id: G2, subject: 'Club de Lectura', participants: [{ id: jid(CLIENTS.carla) }] }] as never);
    await h.services.groups.syncWhatsAppGroups();
    expect(await run(STAFF.agent, '/grupo lista')).not.toContain('Clientes Norte');
    expect(await run(STAFF.agent, '/grupo lista todos')).toContain('• Clientes Norte (ya no estamos en él) — id 120363000000000003');
  });

  it('syncs on demand through the transport seam, and says so when WhatsApp is not connected', async () => {
    expect(await command(h, STAFF.manager, '/grupo sincronizar')).toEqual([
      'Procesando /grupo sincronizar… te aviso en cuanto termine. ⏳',
      '🔄 Grupos sincronizados: 2 leídos de WhatsApp. Activos: 2, con 4 miembros; vínculos con clientes: 4.',
    ]);
    const seam = h.services.groupSync;
    h.services.groupSync = null;
    try {
      expect((await command(h, STAFF.manager, '/grupo sincronizar'))[1]).toBe('WhatsApp no está conectado ahora mismo, así que no puedo leer los grupos. Inténtalo de nuevo cuando vuelva la conexión.');
    } finally {
      h.services.groupSync = seam;
    }
    // WhatsApp does not answer the fetch: a polite failure, nothing half-written.
    const fetch = h.socket.groupFetchAllParticipating;
    h.socket.groupFetchAllParticipating = async () => {
      throw new Error('Timed Out');
    };
    try {
      expect((await command(h, STAFF.manager, '/grupo sincronizar'))[1]).toBe('No he podido completar la lectura de los grupos de WhatsApp ahora mismo. Inténtalo de nuevo en unos minutos.');
    } finally {
      h.socket.groupFetchAllParticipating = fetch;
    }
    const audit = await rows(h, `select outcome, details from audit_log where action = 'command.grupo.sincronizar' and outcome in ('success', 'failure') order by id`);
    expect(audit.map((a) => a.outcome)).toEqual(['success', 'failure', 'failure']);
  });

  it('checks permissions: groups.read, groups.manage, reports.view', async () => {
    const denied = (cmd: string) => `Lo siento, no tienes permiso para usar /${cmd}. Escribe /ayuda para ver los comandos que sí puedes usar.`;
    expect(await run(STAFF.viewer, '/grupo lista')).toBe(denied('grupo'));
    expect(await run(STAFF.agent, '/grupo asignar Club +34600000001 audiencia')).toBe(denied('grupo asignar'));
    expect(await run(STAFF.agent, '/grupo quitar Club +34600000001')).toBe(denied('grupo quitar'));
    expect(await run(STAFF.agent, '/grupo sincronizar')).toBe(denied('grupo sincronizar'));
    expect(await run(STAFF.agent, '/reporte grupo Club')).toBe(denied('reporte'));
    expect(await run(CLIENTS.ana, '/grupo lista')).toMatch(/^Lo siento, no tienes permiso para usar comandos/);
    expect(await run(STAFF.agent, '/ayuda grupo')).toContain('/grupo historial <grupo> [desde]');
  });

  it('explains every bad input in Spanish', async () => {
    const cases: Array<[string, string | RegExp]> = [
      // naming a group
      ['/grupo ver', 'Falta el argumento «grupo».\n\nUso: /grupo ver <grupo>\nEjemplo: /grupo ver Clientes VIP'],
      ['/grupo ver Nada', 'No encuentro ningún grupo «Nada». Usa /grupo lista para ver los grupos y sus ids.'],
      ['/grupo ver 999@g.us', 'No encuentro ningún grupo «999@g.us». Usa /grupo lista para ver los grupos y sus ids.'],
      ['/grupo ver Cl', '«Cl» coincide con varios grupos:\n• Clientes VIP — id 120363000000000001\n• Club de Lectura — id 120363000000000002\n• Clientes Norte — id 120363000000000003\nEscribe más letras del nombre (entre comillas si tiene espacios) o usa el id.'],
      ['/grupo ver \u0000', /^Falta el argumento «grupo»\./],
      ['/grupo ver Club\u0000', /^\*Club de Lectura\*/],
      ['/grupo ver 100%', 'No encuentro ningún grupo «100%». Usa /grupo lista para ver los grupos y sus ids.'],
      // lista
      ['/grupo lista algunos', /^«filtro» no es válido: «algunos» no es un filtro válido; usa activos o todos\./],
      ['/grupo lista todos ya', /^Sobran argumentos: «ya»\./],
      // sincronizar
      ['/grupo sincronizar ahora', /^Sobran argumentos: «ahora»\./],
      // asignar
      ['/grupo asignar', /^Falta el argumento «grupo»\./],
      ['/grupo asignar Club', /^Falta el argumento «telefono»\./],
      ['/grupo asignar Club +34600000001', /^Falta el argumento «relacion»\./],
      ['/grupo asignar Club 12ab audiencia', /^«telefono» no es válido: «12ab» no es un teléfono válido/],
      ['/grupo asignar Club +34600000001 jefe', /^«relacion» no es válido: «jefe» no es una relación válida; usa propietario, miembro, audiencia o soporte\./],
      ['/grupo asignar Club +34600000001 soporte principal=quizá', /^«principal» no es válido: «quizá» no es válido; usa sí o no/],
      ['/grupo asignar Club +34600000001 soporte color=rojo', /^Opción desconocida: color\./],
      [`/grupo asignar Club +34600000001 soporte ${'x'.repeat(256)}`, /^«proposito» no es válido: puede tener como mucho 255 caracteres\n\nUso: /],
      ['/grupo asignar Club +34611119999 soporte', 'No conozco a nadie con el teléfono +34611119999.'],
      ['/grupo asignar Nada +34600000001 soporte', 'No encuentro ningún grupo «Nada». Usa /grupo lista para ver los grupos y sus ids.'],
      // quitar
      ['/grupo quitar Club', /^Falta el argumento «telefono»\./],
      ['/grupo quitar Club +34600000002', '+34600000002 no está vinculado a ese grupo.'],
      ['/grupo quitar Club tel', /^«telefono» no es válido/],
      // cliente
      ['/grupo cliente', /^Falta el argumento «telefono»\./],
      ['/grupo cliente abc', /^«telefono» no es válido: «abc» no es un teléfono válido/],
      ['/grupo cliente +34611119999', 'No conozco a nadie con el teléfono +34611119999.'],
      [`/grupo cliente +${STAFF.viewer}`, '+34633333333 no está vinculado a ningún grupo.'],
      // historial
      ['/grupo historial', /^Falta el argumento «grupo»\./],
      ['/grupo historial Club 2026-02-30', '«2026-02-30» no es una fecha válida; usa AAAA-MM-DD (por ejemplo 2026-11-01), hoy, ayer o un periodo como 24h o 7d.'],
      ['/grupo historial Club 2030-01-01', 'La fecha «2030-01-01» está en el futuro. Usa una fecha pasada o un periodo como 7d.'],
      ['/grupo historial Club 7d 2024-11-01', 'Sobran fechas: indica como mucho 1 después del grupo.'],
      ['/grupo historial Club desde=ayer hoy', 'La fecha ya va en la opción (desde= o hasta=); sobra «hoy».'],
      ['/reporte grupo Club hasta=hoy 7d 2024-11-20', /Sobran fechas: indica como mucho 1 después del grupo\./],
      ['/reporte grupo Club desde=7d hasta=hoy ayer', /La fecha ya va en la opción \(desde= o hasta=\); sobra «ayer»\./],
      // reporte grupo
      ['/reporte grupo', /^Falta el argumento «grupo»\.\n\nUso: \/reporte grupo <grupo> \[desde\] \[hasta\]/],
      ['/reporte grupo Club 2024-11-31', /«2024-11-31» no es una fecha válida/],
      ['/reporte grupo Club 2024-11-20 2024-11-10', /El final del periodo debe ser posterior a su inicio/],
      ['/reporte grupo Club 2030-01-01', /La fecha «2030-01-01» está en el futuro/],
      ['/reporte grupo Club 7d 2024-11-01 hoy', /Sobran fechas: indica como mucho 2 después del grupo\./],
      ['/reporte grupo Nada 7d', /No encuentro ningún grupo «Nada»/],
      ['/reporte grupo Club formato=pdf', /Opción desconocida: formato\./],
    ];
    for (const [cmd, expected] of cases) {
      const reply = await manager(cmd);
      if (typeof expected === 'string') expect(reply, cmd).toBe(expected);
      else expect(reply, cmd).toMatch(expected);
    }
  });
});
