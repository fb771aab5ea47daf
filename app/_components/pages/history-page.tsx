import { orNotFound, resolvePageSubject } from '@/app/_lib/page';
import { getHistory } from '@/lib/server/history';
import { formatCents, formatDay, formatLine, formatMoment, formatSignedCents } from '../format';

const STATUS: Record<string, string> = {
  applied: 'Done',
  scheduled: 'Scheduled',
  cancelled: 'Cancelled',
  replaced: 'Replaced by a later change',
};

export async function HistoryPage({ subscriberParam }: { subscriberParam?: string }) {
  const { actor, subscriberId, staff } = await resolvePageSubject(subscriberParam);
  const entries = await orNotFound(() => getHistory(actor, subscriberId));
  return (
    <>
      <h1 className="mb-6 text-2xl font-bold">{staff ? 'Change history' : 'Your change history'}</h1>
      {entries.length === 0 ? (
        <p className="muted" data-testid="history-empty">
          No changes yet.
        </p>
      ) : (
        <ol className="space-y-3" data-testid="history">
          {entries.map((e) => (
            <li key={e.orderId} className="card" data-testid="history-entry" data-status={e.status}>
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h2 className="font-semibold" data-testid="history-description">
                  {e.description}
                </h2>
                <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium">{STATUS[e.status]}</span>
              </div>
              <p className="muted text-sm">
                {formatMoment(e.createdAt)} · effective {formatDay(e.effectiveDate)} · by{' '}
                <span data-testid="history-by">{e.by}</span>
                {e.reason ? <span className="[overflow-wrap:anywhere]">{` · reason: ${e.reason}`}</span> : ''}
              </p>
              <p className="text-sm">
                Monthly {formatCents(e.monthlyFromCents)} → {formatCents(e.monthlyToCents)}
                {e.status === 'applied' && e.lines.length > 0
                  ? ` · on the next bill: ${formatSignedCents(e.prorationCents)}`
                  : ''}
              </p>
              {e.lines.length > 0 && (
                <ul className="mt-1 text-xs text-slate-700">
                  {e.lines.map((l, i) => (
                    <li key={i}>
                      {formatLine(l.description)}: {formatSignedCents(l.amountCents)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
