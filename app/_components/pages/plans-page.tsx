import { AppLink } from '@/app/_components/app-link';
import { orNotFound, resolvePageSubject } from '@/app/_lib/page';
import { changeHref } from '@/app/_lib/urls';
import { getPlanCards } from '@/lib/server/views';
import { formatCents, formatSignedCents } from '../format';

export async function PlansPage({ subscriberParam }: { subscriberParam?: string }) {
  const { actor, subscriberId, base, staff } = await resolvePageSubject(subscriberParam);
  const { name, cards } = await orNotFound(() => getPlanCards(actor, subscriberId));
  return (
    <>
      <h1 className="mb-1 text-2xl font-bold">Plans{staff ? ` for ${name}` : ''}</h1>
      <p className="muted mb-6 text-sm">
        All plans include unlimited local calling. Prices are per month; the change shown is for{' '}
        {staff ? 'this account' : 'you'}, add-ons included.
      </p>
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="plans">
        {cards.map((c) => (
          <li
            key={c.code}
            className={`card flex flex-col ${c.current ? 'border-2 border-blue-700' : ''}`}
            data-testid={`plan-card-${c.code}`}
            aria-current={c.current ? 'true' : undefined}
          >
            <h2 className="text-lg font-semibold">{c.name}</h2>
            {c.current && (
              <p className="text-sm font-semibold text-blue-800" data-testid="current-plan">
                Your current plan{c.status === 'retired' ? ' (retired: no longer sold)' : ''}
              </p>
            )}
            <p className="mt-2 text-2xl font-bold tabular-nums">{formatCents(c.monthlyCents)}</p>
            <p className="text-sm">
              {c.ldMinutes === null ? 'Unlimited long distance' : `${c.ldMinutes} long-distance minutes`}
            </p>
            <h3 className="mt-3 text-sm font-semibold">Included</h3>
            {c.included.length === 0 ? (
              <p className="muted text-sm">No calling features</p>
            ) : (
              <ul className="list-disc pl-5 text-sm">
                {c.included.map((f) => (
                  <li key={f.code}>{f.name}</li>
                ))}
              </ul>
            )}
            <div className="mt-auto pt-4">
              {!c.current && c.monthlyChangeCents !== null && c.intent && (
                <>
                  <p className="text-sm">
                    Your monthly total:{' '}
                    <span className="font-semibold tabular-nums" data-testid={`plan-change-${c.code}`}>
                      {formatSignedCents(c.monthlyChangeCents)}
                    </span>
                  </p>
                  <p className="muted text-xs">
                    {c.timing === 'now'
                      ? 'Takes effect today, prorated.'
                      : 'Takes effect at the end of your billing period.'}
                  </p>
                  {c.removed.length > 0 && (
                    <p className="muted text-xs">Removes: {c.removed.map((r) => r.name).join(', ')}</p>
                  )}
                  <AppLink
                    href={changeHref(base, c.intent)}
                    className="btn-primary mt-2 w-full no-underline hover:no-underline"
                  >
                    Review change<span className="sr-only"> to {c.name}</span>
                  </AppLink>
                </>
              )}
              {!c.current && c.unavailable && <p className="muted text-sm">{c.unavailable}</p>}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
