import type { EntityManager } from '@mikro-orm/sql';
import { Usuario, type IUsuario } from './usuario.entity.ts';
import { UserRole, type IUserRole } from './user-role.entity.ts';
import { ConsentEvent } from './consent-event.entity.ts';
import { CUSTOMER_ROLE, ROLES, type RoleName } from './permissions.ts';
import { normalizePhone } from '../../shared/phone.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';

/** User type that goes with a staff role (usuarios.user_type), for reporting. */
export const USER_TYPE_FOR_ROLE: Record<RoleName, IUsuario['userType']> = {
  super_admin: 'admin',
  admin: 'admin',
  manager: 'admin',
  agent: 'agent',
  analyst: 'analyst',
  viewer: 'analyst',
  client: 'client',
};

export function isRoleName(name: string): name is RoleName {
  return ROLES.some((r) => r.name === name);
}

export async function findRole(em: EntityManager, name: string): Promise<IUserRole> {
  const role = await em.findOne(UserRole, { roleName: name });
  if (!role) throw new NotFoundError(`No existe el rol "${name}". Roles: ${ROLES.map((r) => r.name).join(', ')}.`, 'ROLE_NOT_FOUND');
  return role;
}

export async function findUserByPhone(em: EntityManager, phone: string): Promise<IUsuario | null> {
  const digits = normalizePhone(phone);
  if (!digits) return null;
  return em.findOne(Usuario, { phoneNumber: digits }, { populate: ['role'] });
}

/**
 * Finds the person by phone, creating a least-privilege client on first contact.
 * `nombre` is refreshed when WhatsApp reports a different push name.
 */
export async function ensureUser(
  em: EntityManager,
  phone: string,
  opts: { nombre?: string | null; now?: Date } = {},
): Promise<{ user: IUsuario; created: boolean }> {
  const digits = normalizePhone(phone);
  if (!digits) throw new ValidationError(`"${phone}" no es un número de teléfono válido (usa el formato internacional, p. ej. +34600000001).`);
  const existing = await em.findOne(Usuario, { phoneNumber: digits });
  if (existing) {
    if (opts.nombre && existing.nombre !== opts.nombre) existing.nombre = opts.nombre;
    return { user: existing, created: false };
  }
  const role = CUSTOMER_ROLE ? await em.findOne(UserRole, { roleName: CUSTOMER_ROLE }) : null;
  const user = em.create(Usuario, {
    phoneNumber: digits,
    nombre: opts.nombre ?? null,
    role,
    userType: 'client',
  } as never) as IUsuario;
  return { user, created: true };
}

/** Gives `phone` the role (creating the user if needed). Used by ADMIN_PHONES and `admin grant`. */
export async function grantRole(em: EntityManager, phone: string, roleName: string): Promise<IUsuario> {
  if (!isRoleName(roleName)) {
    throw new ValidationError(`Rol desconocido "${roleName}". Roles válidos: ${ROLES.map((r) => r.name).join(', ')}.`);
  }
  const role = await findRole(em, roleName);
  const { user } = await ensureUser(em, phone);
  user.role = role;
  user.userType = USER_TYPE_FOR_ROLE[roleName];
  user.isActive = true;
  user.accountStatus = 'active';
  await em.flush();
  return user;
}

/**
 * Marketing consent is explicit: unknown (NULL) until granted — by the customer (`ALTA`), by an
 * import or API call that names where the consent came from, or by their first message where
 * CONSENT_ON_FIRST_MESSAGE allows it — or revoked (`BAJA`/`STOP`). Each change is kept in
 * `consent_events` with its source; `marketing_opt_in` is true only while consent is granted.
 * Returns whether anything changed, so the reply can say "ya estabas…".
 */
export async function setMarketingConsent(em: EntityManager, user: IUsuario, granted: boolean, now: Date, source: string): Promise<boolean> {
  const next = granted ? 'granted' : 'revoked';
  if (user.marketingConsent === next) return false;
  user.marketingConsent = next;
  user.marketingOptIn = granted;
  user.consentSource = source.slice(0, 100);
  if (granted) user.consentAt = now;
  else user.optOutAt = now;
  em.create(ConsentEvent, { cliente: user, action: next, source: source.slice(0, 100), createdAt: now });
  await em.flush();
  return true;
}

/** First-message consent for new contacts (CONSENT_ON_FIRST_MESSAGE), set-based inside ingest. */
export async function grantFirstMessageConsent(em: EntityManager, userIds: number[], now: Date): Promise<void> {
  if (!userIds.length) return;
  const fresh = await em.find(Usuario, { id: { $in: userIds }, marketingConsent: null } as never);
  for (const user of fresh) {
    Object.assign(user, { marketingConsent: 'granted', marketingOptIn: true, consentSource: 'first_message', consentAt: now });
    em.create(ConsentEvent, { cliente: user, action: 'granted', source: 'first_message', createdAt: now });
  }
  await em.flush();
}

/** The person behind a LID (Baileys 7 privacy id), once WhatsApp has paired it with a phone. */
export async function findUserByLid(em: EntityManager, lid: string): Promise<IUsuario | null> {
  return em.findOne(Usuario, { lid });
}

/**
 * `ensureUser` for many numbers at once (the ingest pipeline's batches): one query for who
 * exists, one for the role, one flush. Same rules: unknown numbers become least-privilege
 * `client` users. Returns every requested number's user.
 */
export async function ensureUsers(em: EntityManager, people: Array<{ phone: string; nombre?: string | null }>): Promise<Map<string, IUsuario>> {
  const wanted = new Map<string, string | null>();
  for (const p of people) {
    const digits = normalizePhone(p.phone);
    if (digits && !wanted.has(digits)) wanted.set(digits, p.nombre ?? null);
  }
  const out = new Map<string, IUsuario>();
  if (!wanted.size) return out;
  for (const u of await em.find(Usuario, { phoneNumber: { $in: [...wanted.keys()] } })) out.set(u.phoneNumber, u);
  const missing = [...wanted].filter(([digits]) => !out.has(digits));
  if (!missing.length) return out;
  const role = CUSTOMER_ROLE ? await em.findOne(UserRole, { roleName: CUSTOMER_ROLE }) : null;
  for (const [digits, nombre] of missing) {
    out.set(digits, em.create(Usuario, { phoneNumber: digits, nombre, role, userType: 'client' } as never) as IUsuario);
  }
  await em.flush();
  return out;
}
