import type { Actor } from '../identity/audit.service.ts';
import type { Caller } from '../identity/rbac.service.ts';

/** The staff member behind a chat command, as services record who acted. */
export const chatActor = (caller: Caller): Actor => ({ userId: caller.userId, phone: caller.phone, channel: 'chat' });
