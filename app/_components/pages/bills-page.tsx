import { BILL_STATE_LABELS, BILL_STATES, canChangeBillState } from '@/lib/domain/bills';
import { orNotFound, resolvePageSubject } from '@/app/_lib/page';
import { getBills } from '@/lib/server/bills';
import { BillStateForm } from '../bill-state-form';
import { BillsChart } from '../bills-chart';
import { formatCents, formatDay, formatLine, formats } from '../format';

/** Every bill, newest first, with a chart of the last twelve totals and each bill's lines and PDF. */
export async function BillsPage({ subscriberParam }: { subscriberParam?: string }) {
  const { actor, subscriberId, staff } = await resolvePageSubject(subscriberParam);
  const view = await orNotFound(() => getBills(actor, subscriberId));
  const last12 = view.bills.slice(0, 12).reverse();
  const points = last12.map((b) => ({
    label: formats().month(b.billDate),
    number: b.number,
    totalCents: b.totalCents,
  }));
  const summary = `Bill totals, oldest to newest: ${last12.map((b) => `${formatDay(b.billDate)} ${formatCents(b.totalCents)}`).join('; ')}.`;
  return (
    <>
      <h1 className="mb-1 text-2xl font-bold">{staff ? `Bills for ${view.name}` : 'Your bills'}</h1>
      <p className="muted mb-6 text-sm">
        Account {view.accountNumber}. Each bill charges the coming period&apos;s plan and add-ons in advance, the
        changes made during the period that just ended, and that period&apos;s usage.
      </p>
      {view.bills.length === 0 ? (
        <p className="muted" data-testid="bills-empty">
          {staff
            ? 'No bills yet: the first bill is issued at the start of the first billing period.'
            : 'No bills yet: your first bill is issued at the start of your first billing period.'}
        </p>
      ) : (
        <>
          <figure className="card mb-6" data-testid="bills-chart">
            <figcaption className="mb-2 text-base font-semibold">
              {staff ? 'The last' : 'Your last'} {last12.length === 1 ? 'bill' : `${last12.length} bills`}
            </figcaption>
            <BillsChart points={points} summary={summary} display={formats().settings} />
          </figure>
          <ol className="space-y-4" data-testid="bills">
            {view.bills.map((b) => (
              <li key={b.number} className="card" data-testid="bill" data-bill-number={b.number}>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h2 className="text-lg font-semibold">
                    Bill <span data-testid="bill-number">{b.number}</span> · {formatDay(b.billDate)}
                  </h2>
                  <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium" data-testid="bill-state">
                    {BILL_STATE_LABELS[b.state]}
                  </span>
                </div>
                <p className="muted text-sm" data-testid="bill-periods">
                  In advance: {formats().days(b.billedPeriod.start, b.billedPeriod.lastDay)}
                  {b.closedPeriod
                    ? ` · usage: ${formats().days(b.closedPeriod.start, b.closedPeriod.lastDay)}`
                    : ' · first bill'}{' '}
                  · due <span data-testid="bill-due">{formatDay(b.dueDate)}</span>
                </p>
                <table className="mt-2 w-full text-sm">
                  <caption className="sr-only">Lines of bill {b.number}</caption>
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
                    {b.lines.map((l, i) => (
                      <tr key={i} className="border-t border-slate-100" data-testid="bill-line" data-kind={l.kind}>
                        <td className="py-1 pr-3 [overflow-wrap:anywhere]">{formatLine(l.description)}</td>
                        <td className="py-1 text-right tabular-nums" data-testid="bill-line-amount">
                          {formatCents(l.amountCents)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr className="border-t border-slate-300 font-semibold">
                      <th scope="row" className="py-1 text-left">
                        Total
                      </th>
                      <td className="py-1 text-right tabular-nums" data-testid="bill-total">
                        {formatCents(b.totalCents)}
                      </td>
                    </tr>
                  </tfoot>
                </table>
                {b.creditForwardCents > 0 && (
                  <p className="mt-1 text-sm" data-testid="bill-credit-forward">
                    A credit of {formatCents(b.creditForwardCents)} is carried forward to the next bill.
                  </p>
                )}
                <p className="mt-2 text-sm">
                  {/* A plain link: a file download, not a page (no client-side navigation). */}
                  <a href={`/api/v1/subscribers/${subscriberId}/bills/${b.number}/pdf`} download data-testid="bill-pdf">
                    Download bill {b.number} (PDF)
                  </a>
                </p>
                {staff && (
                  <BillStateForm
                    subscriberId={subscriberId}
                    billNumber={b.number}
                    options={BILL_STATES.filter((to) => canChangeBillState(b.state, to)).map((to) => ({
                      value: to,
                      label: BILL_STATE_LABELS[to],
                    }))}
                  />
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}
