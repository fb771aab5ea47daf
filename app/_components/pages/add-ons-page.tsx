import { AppLink } from '@/app/_components/app-link';
import { orNotFound, resolvePageSubject } from '@/app/_lib/page';
import { changeHref } from '@/app/_lib/urls';
import { getAddOnRows } from '@/lib/server/views';
import { formatCents } from '../format';

const BADGE: Record<string, string> = {
  held: 'bg-blue-100 text-blue-900',
  included: 'bg-emerald-100 text-emerald-900',
  available: 'bg-slate-100 text-slate-800',
  not_available: 'bg-slate-100 text-slate-700',
  needs: 'bg-amber-100 text-amber-900',
  excluded: 'bg-amber-100 text-amber-900',
};

export async function AddOnsPage({ subscriberParam }: { subscriberParam?: string }) {
  const { actor, subscriberId, base, staff } = await resolvePageSubject(subscriberParam);
  const { name, rows } = await orNotFound(() => getAddOnRows(actor, subscriberId, staff ? 'staff' : 'subscriber'));
  return (
    <>
      <h1 className="mb-1 text-2xl font-bold">Add-ons{staff ? ` for ${name}` : ''}</h1>
      <p className="muted mb-6 text-sm">Every change is previewed before anything happens.</p>
      {/* A list, not a four-column table: on a phone the Add/Remove buttons were cut off at the right edge (issue 15). */}
      <ul
        className="card divide-y divide-slate-200 p-0"
        data-testid="add-ons"
        aria-label="Add-ons and their status for this line"
      >
        {rows.map((r) => (
          <li
            key={r.code}
            className="flex flex-wrap items-center gap-x-4 gap-y-2 p-3 sm:flex-nowrap"
            data-testid={`add-on-row-${r.code}`}
            data-status={r.status}
          >
            <div className="min-w-0 flex-1 basis-48">
              <h2 className="text-sm font-semibold">{r.name}</h2>
              <p className="muted text-sm tabular-nums">{formatCents(r.monthlyCents)} a month</p>
            </div>
            <div className="min-w-0 flex-1 basis-40">
              <span
                className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${BADGE[r.status]}`}
                data-testid={`add-on-status-${r.code}`}
              >
                {r.statusText}
              </span>
            </div>
            <div className="w-full sm:w-auto sm:shrink-0">
              {r.action && (
                <AppLink
                  href={changeHref(base, r.action.intent)}
                  className={`w-full sm:w-auto ${
                    r.status === 'held'
                      ? 'btn-secondary no-underline hover:no-underline'
                      : 'btn-primary no-underline hover:no-underline'
                  }`}
                >
                  {r.action.label}
                </AppLink>
              )}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
