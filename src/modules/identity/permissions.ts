/**
 * The permission catalog and the role → permission matrix. Seeds insert exactly this; the
 * README's matrix table is generated from the same data (tests check they agree).
 */
export interface PermissionDef {
  name: string;
  description: string;
  module: string;
  action: string;
  resourceType: string;
}

const perm = (name: string, description: string, resourceType: string): PermissionDef => {
  const [module, action] = name.split('.') as [string, string];
  return { name, description, module, action, resourceType };
};

/** The PRD's ten permissions first, then those the admin commands need. */
export const PERMISSIONS: readonly PermissionDef[] = [
  perm('users.create', 'Crear usuarios', 'usuario'),
  perm('users.read', 'Ver usuarios', 'usuario'),
  perm('users.update', 'Actualizar usuarios', 'usuario'),
  perm('users.delete', 'Eliminar usuarios', 'usuario'),
  perm('campaigns.create', 'Crear campañas', 'campaign'),
  perm('campaigns.send', 'Enviar campañas', 'campaign'),
  perm('reports.view', 'Ver reportes', 'report'),
  perm('files.download', 'Descargar archivos de cliente', 'file'),
  perm('analytics.view', 'Ver analytics', 'analytics'),
  perm('templates.manage', 'Gestionar templates', 'template'),
  // Beyond the PRD: what the commands and the HTTP API check.
  perm('campaigns.read', 'Ver campañas', 'campaign'),
  perm('templates.read', 'Ver templates', 'template'),
  perm('segments.read', 'Ver segmentos', 'segment'),
  perm('segments.manage', 'Crear y editar segmentos', 'segment'),
  perm('groups.read', 'Ver grupos de WhatsApp', 'group'),
  perm('groups.manage', 'Gestionar grupos de WhatsApp', 'group'),
  perm('roles.read', 'Ver roles y permisos', 'role'),
  perm('roles.assign', 'Asignar roles a usuarios', 'role'),
  perm('audit.read', 'Ver el registro de auditoría', 'audit'),
  perm('clients.read', 'Ver fichas de clientes', 'usuario'),
  perm('clients.export', 'Exportar datos de un cliente', 'usuario'),
  perm('clients.erase', 'Borrar datos de un cliente', 'usuario'),
  perm('orders.read', 'Ver pedidos', 'pedido'),
  perm('orders.create', 'Registrar pedidos', 'pedido'),
  perm('reports.create', 'Generar reportes', 'report'),
  perm('channels.read', 'Ver estadísticas de canales', 'channel'),
];

export const ROLES = [
  { name: 'super_admin', description: 'Acceso total al sistema', level: 100 },
  { name: 'admin', description: 'Administrador de clientes', level: 80 },
  { name: 'manager', description: 'Gerente de campañas y reportes', level: 60 },
  { name: 'agent', description: 'Agente de soporte', level: 40 },
  { name: 'analyst', description: 'Analista de datos', level: 30 },
  { name: 'viewer', description: 'Solo lectura', level: 10 },
  // Not in the PRD's six: the least-privilege role every new contact gets (no permissions).
  { name: 'client', description: 'Cliente (sin permisos de administración)', level: 0 },
] as const;

export type RoleName = (typeof ROLES)[number]['name'];

const ALL = PERMISSIONS.map((p) => p.name);
const READS = [
  'users.read', 'campaigns.read', 'templates.read', 'segments.read', 'groups.read', 'reports.view',
  'analytics.view', 'channels.read', 'orders.read',
];

/** Least privilege: each role gets what its job needs, nothing more. */
export const ROLE_MATRIX: Record<RoleName, readonly string[]> = {
  super_admin: ALL,
  admin: ALL.filter((p) => p !== 'clients.erase'),
  manager: [
    ...READS, 'campaigns.create', 'campaigns.send', 'templates.manage', 'segments.manage', 'groups.manage',
    'reports.create', 'clients.read', 'files.download', 'roles.read', 'roles.assign', 'orders.create',
  ],
  agent: ['users.read', 'clients.read', 'files.download', 'orders.read', 'orders.create', 'groups.read', 'templates.read'],
  analyst: [...READS, 'reports.create'],
  viewer: ['reports.view', 'analytics.view', 'campaigns.read'],
  client: [],
};

/** The role new contacts get: no permissions at all (customers are not staff). */
export const CUSTOMER_ROLE: RoleName = 'client';

/** The role → permission matrix as a Markdown table (the README embeds exactly this). */
export function renderRoleMatrixMarkdown(): string {
  const roles = ROLES.map((r) => r.name);
  const head = `| permission | ${roles.map((r) => `${r} (${ROLES.find((x) => x.name === r)!.level})`).join(' | ')} |`;
  const sep = `|---|${roles.map(() => ':-:').join('|')}|`;
  const rows = PERMISSIONS.map(
    (p) => `| \`${p.name}\` | ${roles.map((r) => (ROLE_MATRIX[r].includes(p.name) ? '✔' : '')).join(' | ')} |`,
  );
  return [head, sep, ...rows].join('\n');
}
