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
  const { name, rows } = await orNotFound(() => getAddOnRows(actor, subscriberId));
  return (
    <>
      <h1 className="mb-1 text-2xl font-bold">Add-ons{staff ? ` for ${name}` : ''}</h1>
      <p className="muted mb-6 text-sm">Every change is previewed before anything happens.</p>
      <div className="card overflow-x-auto p-0">
        <table className="w-full text-sm" data-testid="add-ons">
          <caption className="sr-only">Add-ons and their status for this line</caption>
          <thead className="bg-slate-50 text-left">
            <tr>
              <th scope="col" className="p-3 font-semibold">
                Add-on
              </th>
              <th scope="col" className="p-3 text-right font-semibold">
                Monthly
              </th>
              <th scope="col" className="p-3 font-semibold">
                Status
              </th>
              <th scope="col" className="p-3 font-semibold">
                <span className="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.code}
                className="border-t border-slate-200"
                data-testid={`add-on-row-${r.code}`}
                data-status={r.status}
              >
                <th scope="row" className="p-3 text-left font-medium">
                  {r.name}
                </th>
                <td className="p-3 text-right tabular-nums">{formatCents(r.monthlyCents)}</td>
                <td className="p-3">
                  <span
                    className={`rounded-full px-2 py-0.5 text-xs font-medium ${BADGE[r.status]}`}
                    data-testid={`add-on-status-${r.code}`}
                  >
                    {r.statusText}
                  </span>
                </td>
                <td className="p-3">
                  {r.action && (
                    <AppLink
                      href={changeHref(base, r.action.intent)}
                      className={
                        r.status === 'held'
                          ? 'btn-secondary no-underline hover:no-underline'
                          : 'btn-primary no-underline hover:no-underline'
                      }
                    >
                      {r.action.label}
                    </AppLink>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
