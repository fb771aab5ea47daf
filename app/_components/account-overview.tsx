import type { DashboardView } from '@/lib/server/dashboard';
import { formatCents, formatDay, formatLine, formats } from './format';
import { LazyUsageHistoryChart } from './usage-history-chart-lazy';
import { UsageMeter } from './usage-meter';

/**
 * The account overview shared by the subscriber dashboard and the agent's view of it: the plan
 * and this month's money first (issue 15). An agent reads it in the third person, with the
 * plan's code and tier (internal codes are not shown to subscribers).
 */
export function AccountOverview({ view, staff }: { view: DashboardView; staff: boolean }) {
  const f = formats();
  const your = staff ? 'The' : 'Your';
  const history = view.ldHistory.map((h) => ({
    label: f.month(h.periodStart),
    minutes: h.ldMinutes,
    current: h.current,
  }));
  const allowance = view.usage.ldAllowance;
  const historySummary = `Long-distance minutes by billing period, oldest first: ${view.ldHistory
    .map((h) => `${f.month(h.periodStart)}${h.current ? ' (so far)' : ''} ${h.ldMinutes}`)
    .join('; ')}. ${allowance === null ? 'Long distance is unlimited.' : `${allowance} minutes are included a month.`}`;
  return (
    <div className="grid gap-5 md:grid-cols-2">
      <section aria-labelledby="plan-heading" className="card min-w-0">
        <h2 id="plan-heading" className="mb-3 text-lg font-semibold">
          {staff ? 'Plan' : 'Your plan'}
        </h2>
        <p className="text-2xl font-bold">
          <span data-testid="plan-name" data-plan-code={view.plan.code}>
            {view.plan.name}
          </span>
          {staff && (
            <span className="text-base font-medium text-slate-600">
              {' '}
              (<span data-testid="plan-code">{view.plan.code}</span>, tier{' '}
              <span data-testid="plan-tier">{view.plan.tier}</span>)
            </span>
          )}
        </p>
        {view.plan.retired && (
          <p className="mt-1 text-sm text-amber-900" data-testid="plan-retired">
            {staff
              ? "This plan is no longer sold. The subscriber keeps it as long as they like; once they leave it they can't come back to it."
              : "This plan is no longer sold. You keep it as long as you like; once you leave it you can't come back to it."}
          </p>
        )}
        <dl className="mt-4 space-y-2 text-sm">
          <div className="flex justify-between gap-3">
            <dt>{view.plan.name}</dt>
            <dd className="tabular-nums" data-testid="plan-price">
              {formatCents(view.plan.monthlyCents)}
            </dd>
          </div>
          {view.addOns.map((a) => (
            <div className="flex justify-between gap-3" key={a.code} data-testid={`addon-${a.code}`}>
              <dt>{a.name}</dt>
              <dd className="tabular-nums">{formatCents(a.monthlyCents)}</dd>
            </div>
          ))}
          <div className="flex justify-between gap-3 border-t border-slate-200 pt-2 font-semibold">
            <dt>Monthly total (plan and add-ons, before usage)</dt>
            <dd className="tabular-nums" data-testid="monthly-total">
              {formatCents(view.monthlyTotalCents)}
            </dd>
          </div>
        </dl>
        <h3 className="mt-4 text-sm font-semibold">Features on {staff ? 'the' : 'your'} line</h3>
        <p className="muted text-sm">Unlimited local calling is part of every plan.</p>
        {view.allFeatures.length === 0 ? (
          <p className="text-sm" data-testid="features-none">
            No calling features yet.
          </p>
        ) : (
          <ul className="mt-1 flex flex-wrap gap-2 text-sm" data-testid="features">
            {view.allFeatures.map((feat) => (
              <li key={feat.code} className="rounded-full bg-slate-100 px-3 py-1" data-testid={`feature-${feat.code}`}>
                {feat.name}
                {view.includedFeatures.some((i) => i.code === feat.code) ? ' (included)' : ''}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="usage-heading" className="card min-w-0">
        <h2 id="usage-heading" className="mb-1 text-lg font-semibold">
          This billing period
        </h2>
        <p className="muted mb-4 text-sm" data-testid="billing-period">
          {f.days(view.period.start, view.period.lastDay)} · <span data-testid="days-left">{view.period.daysLeft}</span>{' '}
          {view.period.daysLeft === 1 ? 'day' : 'days'} left
        </p>
        <div className="space-y-4">
          <UsageMeter
            id="usage-ld"
            label="Long-distance minutes"
            used={view.usage.ldMinutes}
            allowance={view.usage.ldAllowance}
            unit="min"
            owner={staff ? 'the plan' : 'your plan'}
          />
          {history.length > 1 && (
            <figure data-testid="usage-history">
              <figcaption className="muted text-xs">
                Long-distance minutes by period
                {allowance !== null && allowance > 0 ? ' (dashed line: the minutes included)' : ''}
              </figcaption>
              <div role="img" aria-label={historySummary}>
                <LazyUsageHistoryChart points={history} allowance={allowance} />
              </div>
            </figure>
          )}
          <p className="text-sm">
            International minutes: <span data-testid="usage-intl">{view.usage.intlMinutes}</span>
          </p>
          <p className="text-sm">
            Unanswered calls: <span data-testid="usage-unanswered">{view.usage.unansweredCalls}</span> · Calls missed
            while busy: <span data-testid="usage-busy">{view.usage.missedWhileBusy}</span>
          </p>
        </div>
      </section>

      <section aria-labelledby="bill-heading" className="card min-w-0 md:col-span-2">
        <h2 id="bill-heading" className="mb-1 text-lg font-semibold">
          Next bill estimate
        </h2>
        <p className="muted mb-3 text-sm">
          {your} bill of {formatDay(view.nextBill.periodStart)}: next period&apos;s plan and add-ons in advance, the
          changes made this period, and this period&apos;s usage so far (the bill rates the whole period&apos;s usage
          when it closes).
        </p>
        <table className="w-full text-sm" data-testid="next-bill">
          <caption className="sr-only">Next bill lines</caption>
          <thead>
            <tr className="text-left text-slate-600">
              <th scope="col" className="py-1 font-medium">
                Item
              </th>
              <th scope="col" className="py-1 text-right font-medium">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {view.nextBill.lines.map((l, i) => (
              <tr key={i} className="border-t border-slate-100">
                <td className="py-1 pr-3 [overflow-wrap:anywhere]">{formatLine(l.description)}</td>
                <td className="py-1 text-right whitespace-nowrap tabular-nums">{formatCents(l.amountCents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="border-t border-slate-300 font-semibold">
              <th scope="row" className="py-1 text-left">
                Estimated total
              </th>
              <td className="py-1 text-right whitespace-nowrap tabular-nums" data-testid="next-bill-total">
                {formatCents(view.nextBill.totalCents)}
              </td>
            </tr>
          </tfoot>
        </table>
      </section>
    </div>
  );
}
