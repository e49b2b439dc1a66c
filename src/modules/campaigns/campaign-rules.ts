import type { ICampaign } from './campaign.entity.ts';
import { ConflictError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';

/**
 * Campaign status transitions allowed through the API. completed and cancelled are final;
 * `active` is entered by the dispatcher when a scheduled campaign starts, never by hand.
 */

export type CampaignStatus = ICampaign['status'];
export type CampaignAction = 'schedule' | 'pause' | 'cancel' | 'update';

export const ALLOWED_FROM: Record<CampaignAction, readonly CampaignStatus[]> = {
  schedule: ['draft', 'paused'],
  pause: ['scheduled', 'active'],
  cancel: ['draft', 'scheduled', 'active', 'paused'],
  update: ['draft', 'scheduled', 'paused'],
};

export const TARGET: Record<Exclude<CampaignAction, 'update'>, CampaignStatus> = {
  schedule: 'scheduled',
  pause: 'paused',
  cancel: 'cancelled',
};

const VERB: Record<CampaignAction, string> = { schedule: 'programar', pause: 'pausar', cancel: 'cancelar', update: 'editar' };

export function assertTransition(action: CampaignAction, status: CampaignStatus): void {
  const allowed = ALLOWED_FROM[action];
  if (allowed.includes(status)) return;
  if (action === 'update') throw new ConflictError(t('http.campaign_not_editable', { status }), 'CAMPAIGN_NOT_EDITABLE');
  throw new ConflictError(t('http.campaign_transition', { action: VERB[action], status, allowed: allowed.join(', ') }), 'INVALID_TRANSITION');
}

/** A campaign can only be scheduled for the future (a past start would fire at once, by surprise). */
export function assertSchedulable(start: Date | null | undefined, end: Date | null | undefined, now: Date): void {
  if (!start) throw new ValidationError(t('http.campaign_start_required'), undefined, 'START_DATE_REQUIRED');
  if (start.getTime() <= now.getTime()) throw new ValidationError(t('http.campaign_start_past', { date: start.toISOString() }), undefined, 'START_DATE_PAST');
  assertDateOrder(start, end);
}

export function assertDateOrder(start: Date | null | undefined, end: Date | null | undefined): void {
  if (start && end && end.getTime() <= start.getTime()) throw new ValidationError(t('http.campaign_end_before_start'), undefined, 'END_BEFORE_START');
}
