import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEm } from '../../../src/db/orm.ts';
import { MessageTemplate } from '../../../src/modules/templates/message-template.entity.ts';
import { TemplateVersion } from '../../../src/modules/templates/template-version.entity.ts';
import { TemplateButton } from '../../../src/modules/templates/template-button.entity.ts';
import { TemplateVariable } from '../../../src/modules/templates/template-variable.entity.ts';
import { AuditLog } from '../../../src/modules/identity/audit-log.entity.ts';
import { makeTemplateBench, TEAM, type TemplateBench } from './bench.ts';

/** The /plantilla commands through the real chat seam, against the local Graph API mock. */

let b: TemplateBench;
beforeAll(async () => {
  b = await makeTemplateBench();
});
afterAll(() => b.close());

const tpl = (name: string) => withEm(b.h.orm, (em) => em.findOne(MessageTemplate, { templateName: name }));
const versions = (id: string) => withEm(b.h.orm, (em) => em.find(TemplateVersion, { template: id } as never, { orderBy: { versionNumber: 'asc' } }));
const audits = (action: string) => withEm(b.h.orm, (em) => em.find(AuditLog, { action }, { orderBy: { id: 'asc' } }));
const CREATE = '/plantilla crear aviso_envio categoria=transactional idioma=es cuerpo="Hola {{nombre}}, tu pedido {{pedido}} ya está en camino." ejemplo_nombre=Ana ejemplo_pedido=A-1001 pie="Tienda Ejemplo" boton=respuesta:Gracias boton2="web:Seguir envío:https://tienda.es/envio/{{1}}" ejemplo_boton2=A-1001';

describe('/plantilla crear, ver, lista', () => {
  it('creates a draft with its buttons, variables and version 1', async () => {
    expect(await b.say(TEAM.manager, CREATE)).toContain('Plantilla «aviso_envio» creada como borrador (versión 1)');
    const row = (await tpl('aviso_envio'))!;
    expect(row).toMatchObject({ status: 'draft', templateCategory: 'transactional', languageCode: 'es', bodyText: 'Hola {{1}}, tu pedido {{2}} ya está en camino.', footerText: 'Tienda Ejemplo' });
    const [buttons, vars] = await withEm(b.h.orm, (em) =>
      Promise.all([em.find(TemplateButton, { template: row.templateId } as never, { orderBy: { buttonOrder: 'asc' } }), em.find(TemplateVariable, { template: row.templateId } as never)]),
    );
    expect(buttons.map((x) => [x.buttonType, x.buttonText, x.buttonValue])).toEqual([['quick_reply', 'Gracias', null], ['visit_website', 'Seguir envío', 'https://tienda.es/envio/{{1}}']]);
    expect(vars.map((v) => [v.variablePlaceholder, v.variableName, v.exampleValue]).sort()).toEqual([['button.1.{{1}}', null, 'A-1001'], ['{{1}}', 'nombre', 'Ana'], ['{{2}}', 'pedido', 'A-1001']]);
    expect((await versions(row.templateId)).map((v) => v.versionNumber)).toEqual([1]);
  });

  it('shows a template with a preview made from the examples, and lists by status', async () => {
    const view = await b.say(TEAM.agent, '/plantilla ver aviso_envio');
    expect(view).toContain('*aviso_envio* (transactional → Meta UTILITY, es)');
    expect(view).toContain('Hola Ana, tu pedido A-1001 ya está en camino.');
    expect(view).toContain('2. Seguir envío: https://tienda.es/envio/A-1001');
    expect(view).toContain('Variables: {{1}} (nombre) text ej. «Ana»; {{2}} (pedido) text ej. «A-1001»; button.1.{{1}} text ej. «A-1001»');
    expect(await b.say(TEAM.agent, '/plantilla lista borrador')).toContain('• aviso_envio · transactional · es · borrador');
    expect(await b.say(TEAM.agent, '/plantilla lista aprobada')).toContain('No hay plantillas en estado «aprobada»');
  });

  it('answers bad input with the broken rule or argument, and saves nothing', async () => {
    expect(await b.say(TEAM.manager, '/plantilla crear Mala-Plantilla categoria=marketing cuerpo="Hola {{1}} amigo" ejemplo1=x')).toContain('Regla «nombre»');
    expect(await b.say(TEAM.manager, '/plantilla crear sin_categoria cuerpo="Hola"')).toContain('Regla «categoría»');
    expect(await b.say(TEAM.manager, '/plantilla crear otra categoria=marketing cuerpo="Hola {{1}}, adiós"')).toContain('Regla «ejemplo de variable»');
    expect(await b.say(TEAM.manager, '/plantilla crear otra categoria=marketing cuerpo="Hola" color=rojo')).toContain('Opción desconocida: color');
    // Buttons are numbered from 1: `boton0` is not silently dropped.
    expect(await b.say(TEAM.manager, '/plantilla crear otra categoria=marketing cuerpo="Hola" boton0=respuesta:Sí')).toContain('Opción desconocida: boton0');
    expect(await b.say(TEAM.manager, '/plantilla crear otra categoria=marketing cuerpo="Hola" boton=fax:Enviar')).toContain('Regla «botones»');
    expect(await b.say(TEAM.manager, CREATE)).toContain('Ya existe una plantilla llamada «aviso_envio»');
    expect(await b.say(TEAM.manager, '/plantilla ver no_existe')).toContain('No existe ninguna plantilla llamada «no_existe»');
    expect(await b.say(TEAM.manager, '/plantilla lista raras')).toContain('«estado» no es válido: usa borrador, revision, pendiente, aprobada, rechazada, archivada');
    expect(await b.say(TEAM.manager, '/plantilla crear "sin cerrar')).toContain('comillas sin cerrar');
    expect(await b.say(TEAM.manager, '/plantilla ver')).toContain('Falta el argumento «nombre»');
    expect(await b.say(TEAM.manager, '/plantilla historial no_existe')).toContain('No existe ninguna plantilla llamada «no_existe»');
    expect(await b.say(TEAM.manager, '/plantilla uso no_existe')).toContain('No existe ninguna plantilla llamada «no_existe»');
    expect(await b.say(TEAM.manager, '/plantilla crear otra categoria=marketing cuerpo="Hola" tipo1=moneda')).toContain('Regla «tipo de variable»');
    expect(await b.say(TEAM.manager, '/plantilla crear otra categoria=marketing cuerpo="Hola" encabezado_tipo=gif')).toContain('«encabezado_tipo» no es válido: texto, imagen, video, documento o ninguno');
    expect(await b.say(TEAM.manager, '/plantilla crear otra categoria=marketing cuerpo="Hola" opcional1=quizas')).toContain('«opcional1» no es válido: sí o no');
    expect(await b.say(TEAM.manager, '/plantilla volar')).toContain('No conozco «volar» como opción de /plantilla');
    // Words that are Object.prototype members are unknown words, never prototype lookups or writes.
    expect(await b.say(TEAM.manager, '/plantilla crear otra categoria=constructor cuerpo="Hola amigo"')).toContain('Regla «categoría»');
    expect(await b.say(TEAM.manager, '/plantilla lista constructor')).toContain('«estado» no es válido');
    expect(await b.say(TEAM.manager, '/plantilla crear otra categoria=marketing cuerpo="Hola" boton=constructor:Sí')).toContain('Regla «botones»');
    expect(await b.say(TEAM.manager, '/plantilla crear otra categoria=marketing cuerpo="Hola" encabezado_tipo=__proto__')).toContain('«encabezado_tipo» no es válido');
    expect(await b.say(TEAM.manager, '/plantilla crear otra categoria=marketing cuerpo="Hola {{1}} amigo" ejemplo1=x tipo1=constructor')).toContain('Regla «tipo de variable»');
    expect(await b.say(TEAM.manager, '/plantilla crear otra cuerpo="Hola {{1}} amigo" ejemplo___proto__=contaminado ejemplo1=x')).toContain('Regla «categoría»');
    expect(({} as { example?: string }).example).toBeUndefined();
    expect(await withEm(b.h.orm, (em) => em.count(MessageTemplate, {}))).toBe(1);
  });

  it('checks permissions: reading needs templates.read, changing templates.manage', async () => {
    expect(await b.say(TEAM.agent, CREATE.replace('aviso_envio', 'de_agente'))).toContain('no tienes permiso para usar /plantilla crear');
    expect(await b.say(TEAM.viewer, '/plantilla ver aviso_envio')).toContain('no tienes permiso');
  });
});

describe('/plantilla enviar-aprobacion, editar, historial, restaurar', () => {
  it('submits to Meta with the examples its review needs, and audits it', async () => {
    const out = await b.say(TEAM.manager, '/plantilla enviar-aprobacion aviso_envio');
    expect(out).toMatch(/enviada a Meta para aprobación \(id \d+, estado en revisión\)/);
    const remote = b.mock.templates.find((x) => x.name === 'aviso_envio')!;
    expect(remote).toMatchObject({ language: 'es', category: 'UTILITY', status: 'PENDING' });
    expect(remote.components).toContainEqual({ type: 'BODY', text: 'Hola {{1}}, tu pedido {{2}} ya está en camino.', example: { body_text: [['Ana', 'A-1001']] } });
    expect(await tpl('aviso_envio')).toMatchObject({ status: 'pending_approval', approvalStatusMeta: 'pending', metaTemplateId: remote.id });
    expect((await audits('templates.submit')).map((a) => a.target)).toEqual(['aviso_envio']);
    expect((await audits('templates.status')).at(-1)?.details).toMatchObject({ from: 'draft', to: 'pending_approval', source: 'submit' });
    expect(await b.say(TEAM.manager, '/plantilla enviar-aprobacion aviso_envio')).toContain('ya está en Meta');
  });

  it('an edit needs a reason; a content change is a new version, sent to Meta, back into review', async () => {
    b.mock.templates.find((x) => x.name === 'aviso_envio')!.status = 'APPROVED';
    await b.say(TEAM.manager, '/plantilla sincronizar');
    expect(await tpl('aviso_envio')).toMatchObject({ status: 'approved', approvalStatusMeta: 'approved' });

    expect(await b.say(TEAM.manager, '/plantilla editar aviso_envio pie="Otra tienda"')).toContain('Indica el motivo');
    expect(await b.say(TEAM.manager, '/plantilla editar aviso_envio motivo="nada"')).toContain('No has indicado ningún cambio');
    expect(await b.say(TEAM.manager, '/plantilla editar aviso_envio pie="x{{1}}" motivo="prueba"')).toContain('Regla «pie»');

    const out = await b.say(TEAM.manager, '/plantilla editar aviso_envio cuerpo="Hola {{nombre}}, tu pedido {{pedido}} sale hoy." motivo="fecha de salida"');
    expect(out).toContain('actualizada: versión 2. Como ya estaba en Meta, he enviado el cambio y vuelve a revisión.');
    const row = (await tpl('aviso_envio'))!;
    expect(row).toMatchObject({ status: 'pending_approval', approvalStatusMeta: 'pending', bodyText: 'Hola {{1}}, tu pedido {{2}} sale hoy.' });
    expect(b.mock.templates.find((x) => x.name === 'aviso_envio')).toMatchObject({ status: 'PENDING' });
    const v = await versions(row.templateId);
    expect(v.map((x) => [x.versionNumber, x.changeReason])).toEqual([[1, 'creación'], [2, 'fecha de salida']]);
    expect((await audits('templates.status')).at(-1)?.details).toMatchObject({ from: 'approved', to: 'pending_approval', source: 'edit' });
  });

  it('lists the history with a diff per change', async () => {
    await b.say(TEAM.manager, '/plantilla editar aviso_envio boton3=llamar:Llámanos:+34600000001 motivo="teléfono"');
    const out = await b.say(TEAM.agent, '/plantilla historial aviso_envio');
    expect(out).toContain('*Historial de aviso_envio* (3 versiones)');
    expect(out).toMatch(/v3 · .* · \+34600000003 · «teléfono»\n  botones: «quick_reply:Gracias, visit_website:Seguir envío:https:\/\/tienda\.es\/envio\/\{\{1\}\}» → «quick_reply:Gracias, visit_website:Seguir envío:https:\/\/tienda\.es\/envio\/\{\{1\}\}, call_phone_number:Llámanos:\+34600000001»/);
    expect(out).toContain('  cuerpo: «Hola {{1}}, tu pedido {{2}} ya está en camino.» → «Hola {{1}}, tu pedido {{2}} sale hoy.»');
    expect(out).toContain('(versión inicial)');
  });

  it('restores an old version as a new version, audited', async () => {
    const out = await b.say(TEAM.manager, '/plantilla restaurar aviso_envio 1');
    expect(out).toContain('restaurada la versión 1 como nueva versión 4');
    const row = (await tpl('aviso_envio'))!;
    expect(row.bodyText).toBe('Hola {{1}}, tu pedido {{2}} ya está en camino.');
    const buttons = await withEm(b.h.orm, (em) => em.count(TemplateButton, { template: row.templateId } as never));
    expect(buttons).toBe(2);
    expect((await versions(row.templateId)).at(-1)).toMatchObject({ versionNumber: 4, changeReason: 'restaurada la versión 1' });
    expect((await audits('templates.restore')).at(-1)?.details).toMatchObject({ version: 4, restoredFrom: 1 });
    expect(await b.say(TEAM.manager, '/plantilla restaurar aviso_envio 4')).toContain('igual a la actual');
    expect(await b.say(TEAM.manager, '/plantilla restaurar aviso_envio 9')).toContain('no tiene versión 9');
    expect(await b.say(TEAM.manager, '/plantilla restaurar aviso_envio dos')).toContain('«version» no es válido');
  });
});

describe('/plantilla archivar', () => {
  it('deletes the template in Meta and archives it here', async () => {
    await b.say(TEAM.manager, '/plantilla crear borrame categoria=marketing cuerpo="Oferta especial para ti hoy."');
    await b.say(TEAM.manager, '/plantilla enviar-aprobacion borrame');
    expect(b.mock.templates.some((x) => x.name === 'borrame')).toBe(true);
    expect(await b.say(TEAM.manager, '/plantilla archivar borrame')).toContain('Plantilla «borrame» archivada y borrada en Meta');
    expect(b.mock.templates.some((x) => x.name === 'borrame')).toBe(false);
    expect(await tpl('borrame')).toMatchObject({ status: 'archived' });
    expect(await b.say(TEAM.manager, '/plantilla archivar borrame')).toContain('está archivada');
    expect(await b.say(TEAM.manager, '/plantilla editar borrame cuerpo="Otra cosa distinta." motivo="x"')).toContain('está archivada');
  });

  it('archives here a template already deleted in Meta\'s manager (Meta\'s «does not exist» is not an error)', async () => {
    await b.say(TEAM.manager, '/plantilla crear ya_borrada categoria=marketing cuerpo="Oferta especial para ti hoy."');
    await b.say(TEAM.manager, '/plantilla enviar-aprobacion ya_borrada');
    b.mock.templates.splice(b.mock.templates.findIndex((x) => x.name === 'ya_borrada'), 1);
    const out = await b.say(TEAM.manager, '/plantilla archivar ya_borrada');
    expect(out).toContain('Plantilla «ya_borrada» archivada.');
    expect(out).not.toContain('borrada en Meta');
    expect(await tpl('ya_borrada')).toMatchObject({ status: 'archived', approvalStatusMeta: 'disabled' });
    expect((await audits('templates.archive')).at(-1)).toMatchObject({ target: 'ya_borrada', details: expect.objectContaining({ deletedInMeta: false }) });
  });
});
