import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { WhatsappGroup } from './whatsapp-group.entity.ts';

export const MEMBER_STATUSES = ['active', 'left', 'removed', 'banned'] as const;

/** `whatsapp_group_members`: membership history of each group. */
export const WhatsappGroupMember = defineEntity({
  name: 'WhatsappGroupMember',
  tableName: 'whatsapp_group_members',
  properties: {
    membershipId: p.uuid().primary().onCreate(() => randomUUID()),
    group: () => p.manyToOne(WhatsappGroup).fieldName('group_id').deleteRule('cascade').index('idx_member_group'),
    memberPhoneNumber: p.string().length(20),
    memberName: p.string().length(255).nullable(),
    /** The member's JID as WhatsApp reported it (…@s.whatsapp.net or …@lid). */
    memberJid: p.string().length(255).nullable(),
    /** The member's LID digits, when known. */
    memberLid: p.string().length(64).nullable(),
    joinedDate: p.datetime().nullable(),
    leftDate: p.datetime().nullable(),
    isAdmin: p.boolean().default(false),
    isSuperadmin: p.boolean().default(false),
    memberStatus: p.enum(MEMBER_STATUSES).default('active').index('idx_member_status'),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ name: 'unique_member', properties: ['group', 'memberPhoneNumber'] }],
});
export type IWhatsappGroupMember = InferEntity<typeof WhatsappGroupMember>;
