import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { WhatsappGroup } from './whatsapp-group.entity.ts';
import { WhatsappGroupMember } from './whatsapp-group-member.entity.ts';

export const MEMBER_ACTIONS = ['join', 'leave', 'remove', 'promote', 'demote'] as const;
export type MemberAction = (typeof MEMBER_ACTIONS)[number];

/**
 * `whatsapp_group_member_events`: the membership history, one row per change. The member row
 * (`whatsapp_group_members`) holds the current stint only; a member who leaves and comes back
 * keeps that one row while every join, leave, removal, promotion and demotion stays here.
 * `source` says how we learned it: `event` (WhatsApp told us, with the author when it says who
 * did it) or `sync` (a full sync found the member added or gone; the time is the sync's).
 * Redelivered events write nothing (unique membership + action + time).
 */
export const WhatsappGroupMemberEvent = defineEntity({
  name: 'WhatsappGroupMemberEvent',
  tableName: 'whatsapp_group_member_events',
  properties: {
    eventId: p.integer().primary().autoincrement(),
    group: () => p.manyToOne(WhatsappGroup).fieldName('group_id').deleteRule('cascade').index(false),
    membership: () => p.manyToOne(WhatsappGroupMember).fieldName('membership_id').deleteRule('cascade').index(false),
    /** The member's key at the time (phone digits, or `lid:<digits>` while only the LID was known). */
    memberPhoneNumber: p.string().length(20),
    action: p.enum(MEMBER_ACTIONS),
    /** Who did it (phone digits or JID user part), when WhatsApp says so. */
    actorPhoneNumber: p.string().length(64).nullable(),
    source: p.enum(['event', 'sync'] as const).default('event'),
    eventTimestamp: p.datetime(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  uniques: [{ name: 'unique_member_event', properties: ['membership', 'action', 'eventTimestamp'] }],
  indexes: [{ name: 'idx_member_events_group', properties: ['group', 'eventTimestamp'] }],
});
export type IWhatsappGroupMemberEvent = InferEntity<typeof WhatsappGroupMemberEvent>;
