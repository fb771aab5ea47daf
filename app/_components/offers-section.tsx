import { AppLink } from '@/app/_components/app-link';
import type { OffersResult } from '@/lib/domain/offers';
import { changeHref } from '@/app/_lib/urls';
import { formatCents, formatSignedCents } from './format';
import { OfferButtons } from './offer-buttons';

const KIND_LABEL = { cross_sell: 'Add-on', up_sell: 'Upgrade', right_size: 'Save money' } as const;

/** "Recommended for you": value-first offers with their evidence and the exact price change. */
export function OffersSection({
  result,
  subscriberId,
  base,
  staff,
}: {
  result: OffersResult;
  subscriberId: number;
  base: string;
  staff: boolean;
}) {
  return (
    <section aria-labelledby="offers-heading" className="card" data-testid="offers">
      <h2 id="offers-heading" className="mb-1 text-lg font-semibold">
        {staff ? 'Offers for this subscriber' : 'Recommended for you'}
      </h2>
      {result.status === 'no_usage' && (
        <p data-testid="offers-no-usage" className="muted">
          {result.message}
        </p>
      )}
      {result.status === 'none' && (
        <p data-testid="offers-none" className="muted">
          {result.message}
        </p>
      )}
      {result.status === 'offers' && (
        <>
          <p className="muted mb-4 text-sm">
            Based on your usage over your last complete billing periods. You pay {formatCents(result.currentCostCents)}{' '}
            a month for how you use your line today.
          </p>
          <ol className="space-y-4">
            {result.offers.map((o, i) => (
              <li
                key={o.key}
                className="rounded-lg border border-slate-200 p-4"
                data-testid="offer"
                data-offer-key={o.key}
                data-offer-kind={o.kind}
              >
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h3 className="text-base font-semibold" data-testid="offer-title">
                    {o.title}
                  </h3>
                  <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">
                    {KIND_LABEL[o.kind]}
                    {o.bestValue ? ' · best value' : ''}
                    {i === 0 ? ' · top pick' : ''}
                  </span>
                </div>
                <p className="mt-1 text-sm" data-testid="offer-explanation">
                  {o.explanation}
                </p>
                <dl className="mt-2 grid grid-cols-2 gap-x-4 text-sm sm:grid-cols-3">
                  <div>
                    <dt className="muted">Monthly price change</dt>
                    <dd className="font-medium tabular-nums" data-testid="offer-price-change">
                      {formatSignedCents(o.monthlyPriceChangeCents)}
                    </dd>
                  </div>
                  {o.evidence.type === 'saving' ? (
                    <div>
                      <dt className="muted">You save a month</dt>
                      <dd className="font-semibold text-emerald-800 tabular-nums" data-testid="offer-saving">
                        {formatCents(o.monthlySavingCents)}
                      </dd>
                    </div>
                  ) : (
                    <div>
                      <dt className="muted">Why</dt>
                      <dd data-testid="offer-reason">
                        {Math.round(o.evidence.perMonth * 10) / 10}{' '}
                        {o.evidence.signal === 'unanswered_calls' ? 'unanswered calls' : 'calls missed while busy'} a
                        month
                      </dd>
                    </div>
                  )}
                </dl>
                {staff && o.talkingPoints.length > 0 && (
                  <div className="mt-2 rounded bg-amber-50 p-2 text-sm" data-testid="talking-points">
                    <p className="font-medium">Talking points</p>
                    <ul className="list-disc pl-5">
                      {o.talkingPoints.map((t) => (
                        <li key={t}>{t}</li>
                      ))}
                    </ul>
                  </div>
                )}
                <div className="mt-3 flex flex-wrap items-center gap-2">
                  <AppLink
                    href={changeHref(base, o.intent, { offer: o.key })}
                    className="btn-primary no-underline hover:no-underline"
                    aria-label={`Review this change: ${o.title}`}
                  >
                    Review this change
                  </AppLink>
                  {!staff && <OfferButtons subscriberId={subscriberId} offerKey={o.key} title={o.title} />}
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
