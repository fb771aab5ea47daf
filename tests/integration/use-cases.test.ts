/**
 * The page use cases (issue 14): each page's data comes from one lib/server function that
 * authorizes and reads, and hands back plain view objects, never a database handle. The
 * overview records the offers a subscriber is shown as impressions (after the response in a
 * request; here, outside one, at once), once a day, and never for staff; a period that has
 * ended is closed before anything is shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDashboard } from '@/lib/server/dashboard';
import { getAddOnRows, getPlanCards } from '@/lib/server/views';
import { moveClock, readClock, testClockActorFor } from '@/lib/server/clock-admin';
import { TEST_CLOCK_ACTOR } from '@/lib/server/policy';
import {
  actorFor,
  auditOf,
  offerEventsOf,
  on,
  rejection,
  snapshot,
  subscriberIdOf,
  subscriptionOf,
  useTestDb,
} from './support/actors';
import { createTestDb, drivers, type TestDb } from './support/db';

describe.each(drivers)('page use cases on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
    useTestDb(t);
  });
  afterAll(async () => t?.destroy());

  it('the overview: dashboard and offers from one read, impressions once a day for the subscriber only', async () => {
    const ben = await actorFor(t.db, 'ben@example.com');
    const benId = ben.subscriberId!;
    const { view, offers } = await getDashboard(ben, benId);
    expect(Object.keys(view)).not.toContain('db');
    expect(view).toMatchObject({ subscriberId: benId, plan: { code: 'PLUS' } });
    expect(offers.status).toBe('offers');
    const shown = offers.status === 'offers' ? offers.offers.map((o) => o.key).sort() : [];
    expect((await offerEventsOf(t.db, benId, 'impression')).map((e) => e.offerKey).sort()).toEqual(shown);

    // A second view the same day writes nothing; an agent's view is not an impression.
    const before = await snapshot(t.db);
    await getDashboard(ben, benId);
    await getDashboard(await actorFor(t.db, 'agent@example.com'), benId);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("a subscriber asking for another account's pages gets 'not found', audited; staff see any account", async () => {
    const ada = await actorFor(t.db, 'ada@example.com');
    const benId = await subscriberIdOf(t.db, 'ben@example.com');
    for (const [operation, call] of [
      ['view_dashboard', () => getDashboard(ada, benId)],
      ['view_plans', () => getPlanCards(ada, benId)],
      ['view_add_ons', () => getAddOnRows(ada, benId)],
    ] as const) {
      expect((await rejection(call())).code, operation).toBe('not_found');
    }
    const agent = await actorFor(t.db, 'agent@example.com');
    const plans = await getPlanCards(agent, benId);
    expect(plans.name).toBe('Ben Okafor');
    expect(plans.cards.find((c) => c.current)?.code).toBe('PLUS');
    const addOns = await getAddOnRows(agent, benId);
    expect(addOns.rows.find((r) => r.code === 'voicemail')?.status).toBe('held');
    // The refusals are in the audit trail as the actor's, not in ben's trail.
    expect((await auditOf(t.db, benId)).filter((e) => e.outcome === 'refused')).toEqual([]);
  });

  it('closes an ended period before the page is built', async () => {
    const ada = await actorFor(t.db, 'ada@example.com');
    const adaId = ada.subscriberId!;
    const sub = await subscriptionOf(t.db, adaId);
    const later = on(ada, sub.periodEnd);
    const { view } = await getDashboard(later, adaId);
    expect(view.period.start).toBe(sub.periodEnd);
    expect((await subscriptionOf(t.db, adaId)).version).toBe(sub.version + 1);
  });

  it('the test clock: an admin or the test-clock token reads and moves it; the token is only honoured when it matches', async () => {
    const admin = await actorFor(t.db, 'admin@example.com');
    expect((await readClock(admin)).enabled).toBe(true);
    expect((await moveClock(TEST_CLOCK_ACTOR, { advanceDays: 1 })).offsetMs).toBeGreaterThan(0);
    expect((await readClock(TEST_CLOCK_ACTOR)).offsetMs).toBeGreaterThan(0);
    await moveClock(admin, { reset: true });
    expect((await rejection(readClock(await actorFor(t.db, 'agent@example.com')))).code).toBe('forbidden');
    // No token configured in this run: nothing matches, not even an empty header.
    expect(testClockActorFor(null)).toBeNull();
    expect(testClockActorFor('')).toBeNull();
  });
});
