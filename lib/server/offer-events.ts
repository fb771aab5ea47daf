import 'server-only';
import * as s from '@/db/schema';
import type { Queryable } from '@/db/client';
import { suppressedUntil } from '@/lib/domain/offers';
import type { Configuration, Day } from '@/lib/domain/types';

export type OfferEventType = 'impression' | 'accepted' | 'dismissed' | 'snoozed';

export interface OfferEventInput {
  subscriberId: number;
  actorUserId: number;
  offerKey: string;
  kind: string;
  target: Configuration;
  eventType: OfferEventType;
  today: Day;
  monthlyPriceChangeCents: number;
  monthlySavingCents: number;
}

/** Writes offer events; impressions are kept once per offer per subscriber per day. */
export async function writeOfferEvents(db: Queryable, events: OfferEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insert(s.offerEvents)
    .values(
      events.map((e) => ({
        subscriberId: e.subscriberId,
        actorUserId: e.actorUserId,
        offerKey: e.offerKey,
        kind: e.kind,
        targetConfig: e.target,
        eventType: e.eventType,
        day: e.today,
        monthlyPriceChangeCents: e.monthlyPriceChangeCents,
        monthlySavingCents: e.monthlySavingCents,
        until: e.eventType === 'dismissed' || e.eventType === 'snoozed' ? suppressedUntil(e.eventType, e.today) : null,
      })),
    )
    .onConflictDoNothing();
}
