import 'server-only';
import { SUPPRESSION_DAYS, computeOffers, usageProfile, type Offer, type OffersResult } from '@/lib/domain/offers';
import { sql } from 'drizzle-orm';
import { lastBilledMonth } from '@/lib/domain/bills';
import type { Catalog, Day } from '@/lib/domain/types';
import { completeUsage, type AccountState } from './account';
import type { Actor } from './actor';
import { afterResponse } from './after';
import { openAccount } from './context';
import { getDb } from './db';
import { AppError } from './errors';
import { formats } from './format';
import { writeOfferEvents } from './offer-events';

/** The offers for an account as it stands (suppressions and the scheduled change included). */
export function offersFor(
  catalog: Catalog,
  state: AccountState,
  today: Day,
  opts: { ignoreSuppression?: boolean } = {},
): OffersResult {
  const complete = completeUsage(state);
  // Bills (issue 16): "cost last month" is what the bill of the latest complete period charged.
  const lastMonth =
    state.lastBill && state.lastBill.closedPeriodStart === complete[0]?.periodStart
      ? lastBilledMonth(state.lastBill)
      : null;
  return computeOffers({
    lastMonth,
    catalog,
    current: state.config,
    usage: usageProfile(complete),
    suppressed: opts.ignoreSuppression ? [] : state.suppressed,
    scheduled: opts.ignoreSuppression ? null : state.pending,
    today,
    formats: formats(),
  });
}

/**
 * Impressions of the offers a subscriber is shown: once per offer per day (the unique index
 * keeps repeats out). Offers already recorded today (`alreadyRecorded`, read with the account)
 * are not sent again, so a repeat view of the dashboard writes nothing. Staff looking at an
 * account are not the subscriber seeing an offer. `when`: `after_response` for a page (written
 * once the page is sent, with Next's after()), `now` for the API (answered once recorded, so a
 * client that reads its offers and then the analytics finds them counted).
 */
export async function recordImpressions(
  actor: Actor,
  subscriberId: number,
  result: OffersResult,
  alreadyRecorded: readonly string[],
  when: 'now' | 'after_response',
  /** The account's day (its test clock's when it has one: SubscriberContext.today). */
  today: Day,
): Promise<void> {
  if (actor.role !== 'subscriber' || result.status !== 'offers') return;
  const fresh =
    alreadyRecorded.length > 0 ? result.offers.filter((o) => !alreadyRecorded.includes(o.key)) : result.offers;
  if (fresh.length === 0) return;
  const write = async () =>
    writeOfferEvents(
      await getDb(),
      fresh.map((o) => ({
        subscriberId,
        actorUserId: actor.userId,
        offerKey: o.key,
        kind: o.kind,
        target: o.target,
        eventType: 'impression' as const,
        today,
        monthlyPriceChangeCents: o.monthlyPriceChangeCents,
        monthlySavingCents: o.monthlySavingCents,
      })),
    );
  if (when === 'now') await write();
  else await afterResponse('offer impressions', write);
}

/** The offers of one subscriber, for the API (impressions recorded before it answers). */
export async function getOffers(actor: Actor, subscriberId: number): Promise<OffersResult> {
  const { catalog, state, today } = await openAccount(actor, 'view_offers', { subscriberId });
  const result = offersFor(catalog, state, today);
  await recordImpressions(actor, subscriberId, result, state.impressedToday, 'now', today);
  return result;
}

/** Finds an offer by key among those shown now or hidden by a suppression (a repeat click is harmless). */
export function findOffer(catalog: Catalog, state: AccountState, today: Day, key: string): Offer | undefined {
  for (const result of [
    offersFor(catalog, state, today),
    offersFor(catalog, state, today, { ignoreSuppression: true }),
  ]) {
    const offer = result.status === 'offers' ? result.offers.find((o) => o.key === key) : undefined;
    if (offer) return offer;
  }
  return undefined;
}

/** "Not for me" (90 days) or "Remind me later" (30 days) on an offer the subscriber has now. */
export async function respondToOffer(
  actor: Actor,
  input: { subscriberId: number; offerKey: string; response: 'dismissed' | 'snoozed' },
): Promise<{ message: string }> {
  const { catalog, state, today } = await openAccount(actor, 'respond_to_offer', {
    subscriberId: input.subscriberId,
  });
  const offer = findOffer(catalog, state, today, input.offerKey);
  if (!offer) throw new AppError('not_found', 'That offer is no longer available.');
  await writeOfferEvents(await getDb(), [
    {
      subscriberId: input.subscriberId,
      actorUserId: actor.userId,
      offerKey: offer.key,
      kind: offer.kind,
      target: offer.target,
      eventType: input.response,
      today,
      monthlyPriceChangeCents: offer.monthlyPriceChangeCents,
      monthlySavingCents: offer.monthlySavingCents,
    },
  ]);
  return {
    message:
      input.response === 'dismissed'
        ? `Got it: we won't suggest "${offer.title}" again for ${SUPPRESSION_DAYS.dismissed} days.`
        : `We'll remind you about "${offer.title}" in ${SUPPRESSION_DAYS.snoozed} days.`,
  };
}

/**
 * How long after "Not for me" or "Remind me later" the response can still be undone (issue 15).
 * The page offers the undo for 10 seconds; the server allows a minute, for a slow network.
 */
export const UNDO_RESPONSE_SECONDS = 60;

/**
 * Undoes this person's own "Not for me" / "Remind me later" on an offer, made in the last
 * minute: the event is deleted, so the offer shows again and analytics never count a
 * dismissal that was taken back at once. Anything older stays, with a clear message.
 */
export async function undoOfferResponse(
  actor: Actor,
  input: { subscriberId: number; offerKey: string },
): Promise<{ message: string }> {
  await openAccount(actor, 'respond_to_offer', { subscriberId: input.subscriberId });
  const result = await (await getDb()).execute(sql`
    delete from offer_events
    where id = (
      select id from offer_events
      where subscriber_id = ${input.subscriberId} and offer_key = ${input.offerKey}
        and event_type in ('dismissed', 'snoozed') and actor_user_id = ${actor.userId}
        and created_at > now() - make_interval(secs => ${UNDO_RESPONSE_SECONDS})
      order by id desc limit 1)
    returning id`);
  const rows = (result as unknown as { rows: unknown[] }).rows;
  if (rows.length === 0)
    throw new AppError(
      'not_found',
      'That can no longer be undone: the offer stays set aside. It will come back when its time is up.',
    );
  return { message: 'Undone: the offer is back.' };
}
