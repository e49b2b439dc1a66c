import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { UserRole } from './user-role.entity.ts';

export const MARKETING_CONSENT = ['granted', 'revoked'] as const;
export type MarketingConsent = (typeof MARKETING_CONSENT)[number];

/** `usuarios`: every person the bot knows (customers and staff). Extended per the PRD. */
export const Usuario = defineEntity({
  name: 'Usuario',
  tableName: 'usuarios',
  properties: {
    id: p.integer().primary().autoincrement(),
    phoneNumber: p.string().length(20).fieldName('phoneNumber').unique('usuarios_phoneNumber_unique'),
    /** WhatsApp LID (digits only): the privacy id WhatsApp may send instead of the phone number. */
    lid: p.string().length(64).nullable().unique('usuarios_lid_unique'),
    nombre: p.string().length(255).nullable(),
    email: p.string().length(255).nullable(),
    region: p.string().length(100).nullable(),
    location: p.string().length(255).nullable(),
    birthDate: p.date().nullable(),
    role: () => p.manyToOne(UserRole).fieldName('role_id').nullable().index('idx_user_role'),
    userType: p.enum(['client', 'agent', 'admin', 'analyst'] as const).default('client'),
    lastLogin: p.datetime().nullable(),
    loginCount: p.integer().default(0),
    passwordHash: p.string().length(255).nullable().hidden().lazy(),
    isActive: p.boolean().default(true).index('idx_user_active'),
    accountStatus: p.enum(['active', 'suspended', 'inactive'] as const).default('active'),
    /**
     * True only while marketing consent is granted (`marketing_consent`). New users get false
     * (onCreate); the column keeps its original database default so upgrading needs no rebuild of
     * this table on SQLite — every code path that creates users goes through the ORM.
     */
    marketingOptIn: p.boolean().default(true).onCreate(() => false),
    /** Marketing consent: NULL (unknown) until the customer, or an import/API call naming a source, says so. */
    // A plain column holding one of MARKETING_CONSENT: SQLite adds it without rebuilding the table.
    marketingConsent: p.string().length(16).$type<MarketingConsent>().nullable(),
    /** Where the current consent came from: `alta` (chat), `first_message`, `import:<file>`, `api:<who>` … */
    consentSource: p.string().length(100).nullable(),
    optOutAt: p.datetime().nullable(),
    consentAt: p.datetime().nullable(),
    /** Encrypted at rest (src/modules/identity/secret-box.ts): `v1.<key id>.<iv>.<tag>.<ciphertext>`. */
    totpSecret: p.string().length(255).nullable().hidden().lazy(),
    totpEnabledAt: p.datetime().nullable(),
    /** The last TOTP time step (unix seconds / 30) accepted for this user: a code is never accepted twice. */
    totpLastStep: p.integer().nullable(),
    failedLoginCount: p.integer().default(0),
    lockedUntil: p.datetime().nullable(),
    lastMessageAt: p.datetime().nullable(),
    /** Legal hold: retention never deletes this client's files while set. */
    legalHold: p.boolean().default(false),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ name: 'idx_user_region', properties: ['region'] }],
});
export type IUsuario = InferEntity<typeof Usuario>;
