import { chatActor } from '../actor.ts';
import { z } from 'zod';
import { text, type Reply } from '../../../transport/types.ts';
import { t } from '../../../shared/i18n/index.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { contentFromOptions } from '../../templates/options.ts';
import { TEMPLATE_STATUSES } from '../../templates/message-template.entity.ts';
import { wordIn } from '../../templates/model.ts';
import { formatTemplate, formatHistory, formatList, formatUsage } from '../../templates/format.ts';
import { defineCommand, defineSubcommand } from '../registry.ts';
import { parseDateArg, parseUntilArg, zPhone } from '../args.ts';

/**
 * `/plantilla …`: Meta message templates from chat. Every action is one call to
 * services.templates (the HTTP API calls the same service); the registry checks `templates.read`
 * / `templates.manage` and audits each invocation, and the service audits submissions, edits,
 * restores and status changes on top.
 */

const zName = z.string().min(1).max(512);
const one = (s: string): Reply[] => [text(s)];
/** Content options are free-form (`boton2=…`, `ejemplo1=…`): the templates module checks them. */
const contentArgs = z.object({ nombre: zName }).catchall(z.string().max(2000));
const nameArgs = z.object({ nombre: zName }).strict();
const statusWords: Record<string, string> = {
  borrador: 'draft', draft: 'draft', revision: 'pending_approval', pendiente: 'pending_approval', pending_approval: 'pending_approval',
  aprobada: 'approved', approved: 'approved', rechazada: 'rejected', rejected: 'rejected', archivada: 'archived', archived: 'archived',
};

export const plantillaCommand = defineCommand({
  name: 'plantilla',
  aliases: ['plantillas', 'template', 'templates'],
  description: 'Plantillas de mensajes de Meta: crear, revisar, aprobar, enviar y medir',
  subcommands: [
    defineSubcommand({
      name: 'crear',
      aliases: ['create', 'nueva'],
      description: 'Crea una plantilla en borrador (comprueba las reglas de Meta)',
      permission: 'templates.manage',
      params: ['nombre'],
      args: contentArgs,
      usage: '/plantilla crear <nombre> categoria=… idioma=… cuerpo="…" [encabezado="…"] [pie="…"] [boton=tipo:texto[:valor]] [boton2=…] [ejemplo1=…]',
      examples: ['/plantilla crear aviso_envio categoria=transactional idioma=es cuerpo="Hola {{nombre}}, tu pedido {{pedido}} ya está en camino." ejemplo_nombre=Ana ejemplo_pedido=A-1001 boton=respuesta:Gracias'],
      target: (a) => a.nombre,
      async run({ em, args, services, caller }) {
        const { nombre, ...options } = args;
        const input = contentFromOptions(options);
        const tpl = await services.templates.create(em, chatActor(caller), nombre, input);
        return one(t('templates.created', { name: tpl.templateName }));
      },
    }),
    defineSubcommand({
      name: 'ver',
      aliases: ['show', 'mostrar'],
      description: 'Muestra una plantilla: estado, versión y vista previa',
      permission: 'templates.read',
      params: ['nombre'],
      args: nameArgs,
      usage: '/plantilla ver <nombre>',
      examples: ['/plantilla ver aviso_envio'],
      target: (a) => a.nombre,
      async run({ em, args, services }) {
        return one(formatTemplate(await services.templates.get(em, args.nombre)));
      },
    }),
    defineSubcommand({
      name: 'lista',
      aliases: ['list', 'listar'],
      description: 'Lista las plantillas, opcionalmente por estado',
      permission: 'templates.read',
      params: ['estado'],
      args: z.object({ estado: z.string().max(30).optional() }).strict(),
      usage: '/plantilla lista [borrador|revision|aprobada|rechazada|archivada]',
      examples: ['/plantilla lista', '/plantilla lista aprobada'],
      async run({ em, args, services }) {
        const status = args.estado ? wordIn(statusWords, args.estado.toLowerCase()) : undefined;
        if (args.estado && !status) {
          throw new ValidationError(t('admin.args.invalid', { name: 'estado', detail: t('templates.args.status', { words: Object.keys(statusWords).filter((w) => !(TEMPLATE_STATUSES as readonly string[]).includes(w)).join(', ') }) }));
        }
        const { items, total } = await services.templates.list(em, { status, limit: 50 });
        return one(formatList(items, total, args.estado));
      },
    }),
    defineSubcommand({
      name: 'editar',
      aliases: ['edit', 'cambiar'],
      description: 'Cambia campos de una plantilla; cada cambio de contenido es una versión nueva y una aprobada vuelve a revisión',
      permission: 'templates.manage',
      params: ['nombre'],
      args: contentArgs,
      usage: '/plantilla editar <nombre> campo=valor … motivo="…"',
      examples: ['/plantilla editar aviso_envio cuerpo="Hola {{nombre}}, tu pedido {{pedido}} sale hoy." motivo="fecha de envío"'],
      target: (a) => a.nombre,
      async run({ em, args, services, caller }) {
        const { nombre, motivo, ...options } = args;
        if (!motivo?.trim()) throw new ValidationError(t('templates.reason_required'));
        const input = contentFromOptions(options);
        const res = await services.templates.edit(em, chatActor(caller), nombre, input, motivo.trim());
        return one(t('templates.edited', { name: res.tpl.templateName, version: res.version, review: res.resubmitted ? t('templates.back_to_review') : '' }));
      },
    }),
    defineSubcommand({
      name: 'enviar-aprobacion',
      aliases: ['aprobacion', 'submit'],
      description: 'Envía la plantilla a Meta para su aprobación',
      permission: 'templates.manage',
      params: ['nombre'],
      args: nameArgs,
      usage: '/plantilla enviar-aprobacion <nombre>',
      examples: ['/plantilla enviar-aprobacion aviso_envio'],
      target: (a) => a.nombre,
      async run({ em, args, services, caller }) {
        const tpl = await services.templates.submit(em, chatActor(caller), args.nombre);
        return one(t('templates.submitted', { name: tpl.templateName, id: tpl.metaTemplateId, status: t(`templates.status.${tpl.status}`) }));
      },
    }),
    defineSubcommand({
      name: 'sincronizar',
      aliases: ['sync', 'sincronizacion'],
      description: 'Lee de Meta el estado de todas las plantillas e importa las creadas en el administrador de Meta',
      permission: 'templates.manage',
      longRunning: true,
      args: z.object({}).strict(),
      usage: '/plantilla sincronizar',
      examples: ['/plantilla sincronizar'],
      async run({ em, services, caller }) {
        const r = await services.templates.sync(em, chatActor(caller));
        return one(t('templates.synced', { ...r }));
      },
    }),
    defineSubcommand({
      name: 'probar',
      aliases: ['test', 'prueba'],
      description: 'Envía la plantilla a un teléfono con los valores indicados (var=valor)',
      permission: 'templates.manage',
      // The template is `plantilla` here: `nombre=Ana` is a value for the {{nombre}} variable.
      params: ['plantilla', 'telefono'],
      args: z.object({ plantilla: zName, telefono: zPhone }).catchall(z.string().max(1000)),
      usage: '/plantilla probar <plantilla> <telefono> [var=valor…]',
      examples: ['/plantilla probar aviso_envio +34600000001 nombre=Ana pedido=A-1001'],
      target: (a) => a.telefono,
      async run({ em, args, services }) {
        const { plantilla, telefono, ...values } = args;
        const res = await services.templates.send(em, plantilla, { to: telefono, values: values as Record<string, string>, origin: 'command' });
        return one(t('templates.test_sent', { name: plantilla, phone: res.phone, id: res.messageId }));
      },
    }),
    defineSubcommand({
      name: 'historial',
      aliases: ['history', 'versiones'],
      description: 'Lista las versiones de una plantilla con los cambios de cada una',
      permission: 'templates.read',
      params: ['nombre'],
      args: nameArgs,
      usage: '/plantilla historial <nombre>',
      examples: ['/plantilla historial aviso_envio'],
      target: (a) => a.nombre,
      async run({ em, args, services }) {
        return one(formatHistory(await services.templates.history(em, args.nombre), services.deps.config.TZ));
      },
    }),
    defineSubcommand({
      name: 'restaurar',
      aliases: ['restore', 'revertir'],
      description: 'Recupera una versión anterior como versión nueva',
      permission: 'templates.manage',
      params: ['nombre', 'version'],
      args: z.object({ nombre: zName, version: z.coerce.number().int().min(1).max(100_000), motivo: z.string().max(500).optional() }).strict(),
      usage: '/plantilla restaurar <nombre> <versión> [motivo="…"]',
      examples: ['/plantilla restaurar aviso_envio 2'],
      target: (a) => a.nombre,
      async run({ em, args, services, caller, auditNotes }) {
        const res = await services.templates.restore(em, chatActor(caller), args.nombre, args.version, args.motivo);
        Object.assign(auditNotes, { from: args.version, to: res.version });
        return one(t('templates.restored', { name: res.tpl.templateName, from: args.version, version: res.version, review: res.resubmitted ? t('templates.back_to_review') : '' }));
      },
    }),
    defineSubcommand({
      name: 'archivar',
      aliases: ['archive', 'borrar'],
      description: 'Archiva la plantilla (y la borra en Meta si está allí)',
      permission: 'templates.manage',
      params: ['nombre'],
      args: nameArgs,
      usage: '/plantilla archivar <nombre>',
      examples: ['/plantilla archivar aviso_envio'],
      target: (a) => a.nombre,
      async run({ em, args, services, caller }) {
        const res = await services.templates.archive(em, chatActor(caller), args.nombre);
        return one(t('templates.archived_done', { name: res.tpl.templateName, meta: res.deletedInMeta ? t('templates.archived_meta') : '' }));
      },
    }),
    defineSubcommand({
      name: 'uso',
      aliases: ['usage', 'estadisticas'],
      description: 'Envíos, entregas, lecturas y fallos de una plantilla en un periodo',
      permission: 'templates.read',
      params: ['nombre', 'desde', 'hasta'],
      args: z.object({ nombre: zName, desde: z.string().max(40).optional(), hasta: z.string().max(40).optional() }).strict(),
      usage: '/plantilla uso <nombre> [desde] [hasta]',
      examples: ['/plantilla uso aviso_envio', '/plantilla uso aviso_envio 2026-11-01 2026-11-30', '/plantilla uso aviso_envio 7d'],
      target: (a) => a.nombre,
      async run({ em, args, services, now }) {
        const tz = services.deps.config.TZ;
        const from = args.desde ? parseDateArg(args.desde, now, tz) : new Date(now.getTime() - 30 * 86_400_000);
        // `hasta` as a day (2026-11-30, hoy, ayer) counts the whole day.
        const to = args.hasta ? parseUntilArg(args.hasta, now, tz) : new Date(now.getTime() + 1);
        if (from.getTime() >= to.getTime()) throw new ValidationError(t('templates.date_range'));
        const res = await services.templates.usage(em, args.nombre, from, to);
        return one(formatUsage(res.tpl.templateName, res.stats, tz));
      },
    }),
  ],
});
