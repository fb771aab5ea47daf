import type { OfferAnalytics } from '@/lib/server/analytics';
import { AnalyticsBars } from './analytics-bars';
import { ANALYTICS_SERIES } from './analytics-series';
import { formatDay } from './format';

const SINGULAR = { impressions: 'impression', acceptances: 'acceptance', dismissals: 'dismissal', snoozes: 'snooze' };

function plural(n: number, singular: string): string {
  return `${n} ${n === 1 ? singular : `${singular}s`}`;
}

/**
 * Offer events per kind as horizontal bars. The picture is one image to assistive technology,
 * named by a sentence with every number in it; the table on the page has the same data.
 */
export function AnalyticsChart({ data }: { data: OfferAnalytics }) {
  const kinds = data.byKind;
  const range = `${formatDay(data.from)} to ${formatDay(data.to)}`;
  const summary = `Offer events by kind, ${range}. ${kinds
    .map((k) => `${k.kindLabel}: ${ANALYTICS_SERIES.map((s) => plural(k[s.key], SINGULAR[s.key])).join(', ')}.`)
    .join(' ')}`;
  return (
    <figure className="card min-w-0 overflow-hidden" data-testid="analytics-chart">
      <figcaption className="mb-3 text-base font-semibold">
        Impressions, acceptances, dismissals and snoozes by offer kind
      </figcaption>
      <div role="img" aria-label={summary}>
        <AnalyticsBars
          rows={kinds.map((k) => ({
            kindLabel: k.kindLabel,
            impressions: k.impressions,
            acceptances: k.acceptances,
            dismissals: k.dismissals,
            snoozes: k.snoozes,
          }))}
        />
      </div>
      <ul className="mt-3 flex flex-wrap gap-4 text-xs" aria-hidden="true">
        {ANALYTICS_SERIES.map((s) => (
          <li key={s.key} className="flex items-center gap-1">
            <span className="inline-block h-3 w-3 rounded-sm" style={{ backgroundColor: s.color }} />
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
