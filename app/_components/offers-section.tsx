import { AppLink } from '@/app/_components/app-link';
import { type Offer, type OffersResult, valuePhrase } from '@/lib/domain/offers';
import { changeHref } from '@/app/_lib/urls';
import { formatCents, formatSignedCents, formats } from './format';
import { OfferButtons } from './offer-buttons';
import { OfferShell } from './offer-shell';

/**
 * "Recommended for you": the top offer in full, the others as compact rows that open (issue 15:
 * three full cards filled the first screen). Every offer keeps its evidence, the exact plan price
 * change, and what it means overall for how the subscriber uses the line.
 */
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
    <section aria-labelledby="offers-heading" className="card min-w-0" data-testid="offers">
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
            Based on {staff ? 'their' : 'your'} usage over the last complete billing periods.{' '}
            {staff ? 'They pay' : 'You pay'} {formatCents(result.currentCostCents)} a month for how{' '}
            {staff ? 'they use their' : 'you use your'} line today.
          </p>
          <ol className="space-y-3">
            {result.offers.map((o, i) => (
              <OfferShell
                key={o.key}
                className="rounded-lg border border-slate-200"
                offerKey={o.key}
                offerKind={o.kind}
                subscriberId={subscriberId}
                title={o.title}
              >
                {i === 0 ? (
                  <div className="p-4">
                    <OfferHead offer={o} top />
                    <OfferBody offer={o} subscriberId={subscriberId} base={base} staff={staff} />
                  </div>
                ) : (
                  <details className="group">
                    <summary className="cursor-pointer list-none p-4 [&::-webkit-details-marker]:hidden">
                      <OfferHead offer={o} top={false} />
                      <p className="mt-1 text-sm" data-testid="offer-value">
                        {staff
                          ? valuePhrase(o.monthlyPriceChangeCents, o.monthlySavingCents, formats(), 'staff')
                          : o.valueText}
                      </p>
                      <span className="mt-1 inline-block text-sm font-medium text-blue-800 group-open:hidden">
                        Details<span className="sr-only">: {o.title}</span>
                      </span>
                    </summary>
                    <div className="px-4 pb-4">
                      <OfferBody offer={o} subscriberId={subscriberId} base={base} staff={staff} />
                    </div>
                  </details>
                )}
              </OfferShell>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function OfferHead({ offer: o, top }: { offer: Offer; top: boolean }) {
  return (
    <div className="flex flex-wrap items-baseline justify-between gap-2">
      <h3 className="min-w-0 text-base font-semibold [overflow-wrap:anywhere]" data-testid="offer-title">
        {o.title}
      </h3>
      <span
        className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700"
        data-testid="offer-badge"
      >
        {o.badge}
        {o.bestValue ? ' · best value' : ''}
        {top ? ' · top pick' : ''}
      </span>
    </div>
  );
}

function OfferBody({
  offer: o,
  subscriberId,
  base,
  staff,
}: {
  offer: Offer;
  subscriberId: number;
  base: string;
  staff: boolean;
}) {
  const overall = -o.monthlySavingCents;
  return (
    <>
      {staff ? (
        // The explanation speaks to the subscriber ("Your line cost…"); an agent reads it as theirs.
        <p className="mt-1 text-sm">
          <span className="muted">The subscriber reads: </span>
          <q data-testid="offer-explanation">{o.explanation}</q>
        </p>
      ) : (
        <p className="mt-1 text-sm" data-testid="offer-explanation">
          {o.explanation}
        </p>
      )}
      <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
        <div>
          <dt className="muted">Plan price</dt>
          <dd className="font-medium tabular-nums">
            <span data-testid="offer-price-change">{formatSignedCents(o.monthlyPriceChangeCents)}</span> a month
          </dd>
        </div>
        {o.evidence.type === 'saving' ? (
          <div>
            <dt className="muted">Overall, for how {staff ? 'they use their' : 'you use your'} line</dt>
            <dd className="font-semibold text-emerald-800 tabular-nums">
              <span data-testid="offer-saving">{formatCents(o.monthlySavingCents)}</span> less a month
            </dd>
          </div>
        ) : (
          <div>
            <dt className="muted">Why</dt>
            <dd data-testid="offer-reason">
              {Math.round(o.evidence.perMonth * 10) / 10}{' '}
              {o.evidence.signal === 'unanswered_calls' ? 'unanswered calls' : 'calls missed while busy'} a month
              {overall !== o.monthlyPriceChangeCents ? ` (overall ${formatSignedCents(overall)} a month)` : ''}
            </dd>
          </div>
        )}
      </dl>
      {staff && o.talkingPoints.length > 0 && (
        <div className="mt-2 rounded bg-amber-50 p-2 text-sm" data-testid="talking-points">
          <p className="font-medium">Talking points, to say to the subscriber</p>
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
    </>
  );
}
