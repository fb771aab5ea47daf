import type { Metadata } from 'next';
import { z } from 'zod';
import { AnalyticsChart } from '@/app/_components/agent-analytics-chart';
import { formatCents, formatDay, formatSignedCents } from '@/app/_components/format';
import { pageData, requirePageActor } from '@/app/_lib/page';
import { MAX_RANGE_DAYS, offerAnalytics, type OfferAnalytics, type OfferCounts } from '@/lib/server/analytics';

export const metadata: Metadata = { title: 'Offer analytics' };

type Search = Record<string, string | string[] | undefined>;

// Shape only here; offerAnalytics validates the dates themselves (and the range).
const querySchema = z.object({ from: z.string().max(20).optional(), to: z.string().max(20).optional() });

function percent(r: number | null) {
  if (r === null) {
    return (
      <>
        <span aria-hidden="true">—</span>
        <span className="sr-only">no impressions</span>
      </>
    );
  }
  return `${(r * 100).toFixed(1)}%`;
}

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requirePageActor('view_offer_analytics', '/login?callbackUrl=/admin/analytics');
  const flat = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = querySchema.safeParse(flat);
  const asked = parsed.success ? parsed.data : {};
  let data: OfferAnalytics | null = null;
  let error: string | null = parsed.success ? null : 'The dates could not be read.';
  if (parsed.success) {
    const r = await pageData(() => offerAnalytics(actor, asked));
    if (r.ok) data = r.data;
    else error = r.problem;
  }
  return (
    <>
      <h1 className="mb-1 text-2xl font-bold">Offer analytics</h1>
      <p className="muted mb-5 text-sm">
        What subscribers were shown, what they accepted or set aside, and what it meant for revenue and for their bills.
        Impressions count once per subscriber, offer and day; offers seen by agents are not impressions.
      </p>
      <form
        method="get"
        action="/admin/analytics"
        className="card mb-6 flex flex-wrap items-end gap-3"
        aria-describedby="range-hint"
      >
        <div>
          <label htmlFor="from" className="label">
            From
          </label>
          <input id="from" name="from" type="date" className="field" defaultValue={data?.from ?? asked.from ?? ''} />
        </div>
        <div>
          <label htmlFor="to" className="label">
            To
          </label>
          <input id="to" name="to" type="date" className="field" defaultValue={data?.to ?? asked.to ?? ''} />
        </div>
        <button type="submit" className="btn-primary">
          Show
        </button>
        <p id="range-hint" className="muted w-full text-xs">
          Both days included; at most {MAX_RANGE_DAYS} days. Without dates: the last 30 days.
        </p>
      </form>
      {error && (
        <p
          role="alert"
          className="rounded-lg border border-red-300 bg-red-50 p-3 text-red-900"
          data-testid="analytics-error"
        >
          {error}
        </p>
      )}
      {data && <Report data={data} />}
    </>
  );
}

function Cells({ c }: { c: OfferCounts }) {
  return (
    <>
      <td className="px-2 py-3 text-right tabular-nums whitespace-nowrap" data-testid="impressions">
        {c.impressions}
      </td>
      <td className="px-2 py-3 text-right tabular-nums whitespace-nowrap" data-testid="acceptances">
        {c.acceptances}
      </td>
      <td className="px-2 py-3 text-right tabular-nums whitespace-nowrap" data-testid="dismissals">
        {c.dismissals}
      </td>
      <td className="px-2 py-3 text-right tabular-nums whitespace-nowrap" data-testid="snoozes">
        {c.snoozes}
      </td>
      <td className="px-2 py-3 text-right tabular-nums whitespace-nowrap" data-testid="acceptance-rate">
        {percent(c.acceptanceRate)}
      </td>
      <td className="px-2 py-3 text-right tabular-nums whitespace-nowrap" data-testid="dismissal-rate">
        {percent(c.dismissalRate)}
      </td>
      <td className="px-2 py-3 text-right tabular-nums whitespace-nowrap" data-testid="revenue-change">
        {formatSignedCents(c.revenueChangeCents)}
      </td>
      <td className="px-2 py-3 text-right tabular-nums whitespace-nowrap" data-testid="savings">
        {formatCents(c.savingsCents)}
      </td>
    </>
  );
}

function Report({ data }: { data: OfferAnalytics }) {
  const t = data.totals;
  return (
    <>
      <h2 className="mb-3 text-lg font-semibold" data-testid="analytics-range">
        {formatDay(data.from)} to {formatDay(data.to)} ({data.days} {data.days === 1 ? 'day' : 'days'})
      </h2>
      <dl className="mb-6 grid gap-3 sm:grid-cols-4">
        <div className="card">
          <dt className="muted text-sm">Acceptances</dt>
          <dd className="text-2xl font-bold tabular-nums" data-testid="total-acceptances">
            {t.acceptances}
          </dd>
        </div>
        <div className="card">
          <dt className="muted text-sm">Acceptance rate</dt>
          <dd className="text-2xl font-bold tabular-nums" data-testid="total-acceptance-rate">
            {percent(t.acceptanceRate)}
          </dd>
        </div>
        <div className="card">
          <dt className="muted text-sm">Monthly revenue change</dt>
          <dd className="text-2xl font-bold tabular-nums" data-testid="total-revenue-change">
            {formatSignedCents(t.revenueChangeCents)}
          </dd>
        </div>
        <div className="card">
          <dt className="muted text-sm">Monthly savings delivered</dt>
          <dd className="text-2xl font-bold tabular-nums" data-testid="total-savings">
            {formatCents(t.savingsCents)}
          </dd>
        </div>
      </dl>
      {data.rows.length === 0 ? (
        <p className="muted" data-testid="analytics-empty">
          No offers were shown, accepted or set aside in this range.
        </p>
      ) : (
        <>
          <AnalyticsChart data={data} />
          <section aria-labelledby="by-offer-heading" className="mt-6 min-w-0">
            <h2 id="by-offer-heading" className="mb-3 text-lg font-semibold">
              By offer
            </h2>
            {/* relative: the scroller is the containing block of the cells' absolutely positioned
                screen-reader texts ("no impressions" beside a "—" rate), so it clips them too; without
                it they sat at their place in the wide table, outside the scroller, and made the whole
                page ~800 px wide at 390 px (issue 15). */}
            <div
              className="card relative overflow-x-auto p-0"
              role="region"
              aria-label="Offer table (scrolls sideways)"
              data-scrolls
              tabIndex={0}
            >
              <table className="w-full text-sm" data-testid="analytics-table">
                <caption className="sr-only">
                  Offer events per kind and target, {formatDay(data.from)} to {formatDay(data.to)}; money in monthly
                  amounts
                </caption>
                <thead className="bg-slate-50 text-left">
                  <tr>
                    <th scope="col" className="px-2 py-3 font-semibold">
                      Kind
                    </th>
                    <th scope="col" className="min-w-40 px-2 py-3 font-semibold">
                      Target
                    </th>
                    <th scope="col" className="px-2 py-3 text-right font-semibold">
                      Impres&shy;sions
                    </th>
                    <th scope="col" className="px-2 py-3 text-right font-semibold">
                      Accept&shy;ances
                    </th>
                    <th scope="col" className="px-2 py-3 text-right font-semibold">
                      Dis&shy;missals
                    </th>
                    <th scope="col" className="px-2 py-3 text-right font-semibold">
                      Snoozes
                    </th>
                    <th scope="col" className="px-2 py-3 text-right font-semibold">
                      Accept&shy;ance rate
                    </th>
                    <th scope="col" className="px-2 py-3 text-right font-semibold">
                      Dis&shy;missal rate
                    </th>
                    <th scope="col" className="px-2 py-3 text-right font-semibold">
                      Revenue change a month
                    </th>
                    <th scope="col" className="px-2 py-3 text-right font-semibold">
                      Savings a month
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((r) => (
                    <tr
                      key={r.offerKey}
                      className="border-t border-slate-200"
                      data-testid="analytics-row"
                      data-offer-key={r.offerKey}
                      data-kind={r.kind}
                    >
                      <td className="px-2 py-3 whitespace-nowrap">{r.kindLabel}</td>
                      <th scope="row" className="px-2 py-3 text-left font-medium">
                        {r.targetLabel}
                      </th>
                      <Cells c={r} />
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr className="border-t-2 border-slate-300 font-semibold" data-testid="analytics-totals">
                    <th scope="row" colSpan={2} className="p-3 text-left">
                      All offers
                    </th>
                    <Cells c={t} />
                  </tr>
                </tfoot>
              </table>
            </div>
          </section>
        </>
      )}
    </>
  );
}
