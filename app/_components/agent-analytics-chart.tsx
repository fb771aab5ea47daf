import type { OfferAnalytics } from '@/lib/server/analytics';
import { formatDay } from './format';

const SERIES = [
  { key: 'impressions', label: 'Impressions', singular: 'impression', color: '#475569' },
  { key: 'acceptances', label: 'Acceptances', singular: 'acceptance', color: '#047857' },
  { key: 'dismissals', label: 'Dismissals', singular: 'dismissal', color: '#b91c1c' },
  { key: 'snoozes', label: 'Snoozes', singular: 'snooze', color: '#b45309' },
] as const;

const W = 640;
const LABEL_W = 110;
const VALUE_W = 56;
const BAR_H = 14;
const BAR_GAP = 4;
const GROUP_HEAD = 24;
const GROUP_GAP = 14;

function plural(n: number, singular: string): string {
  return `${n} ${n === 1 ? singular : `${singular}s`}`;
}

/**
 * Offer events per kind as horizontal bars, drawn in inline SVG. The picture is one image to
 * assistive technology, named by a sentence with every number in it; the table on the page
 * has the same data.
 */
export function AnalyticsChart({ data }: { data: OfferAnalytics }) {
  const kinds = data.byKind;
  const max = Math.max(1, ...kinds.flatMap((k) => SERIES.map((s) => k[s.key])));
  const groupH = GROUP_HEAD + SERIES.length * (BAR_H + BAR_GAP);
  const height = kinds.length * groupH + (kinds.length - 1) * GROUP_GAP + 4;
  const barMax = W - LABEL_W - VALUE_W;
  const range = `${formatDay(data.from)} to ${formatDay(data.to)}`;
  const summary = `Offer events by kind, ${range}. ${kinds
    .map((k) => `${k.kindLabel}: ${SERIES.map((s) => plural(k[s.key], s.singular)).join(', ')}.`)
    .join(' ')}`;
  return (
    <figure className="card" data-testid="analytics-chart">
      <figcaption className="mb-3 text-base font-semibold">
        Impressions, acceptances, dismissals and snoozes by offer kind
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${height}`}
        width="100%"
        role="img"
        aria-label={summary}
        className="max-w-3xl"
        preserveAspectRatio="xMinYMin meet"
      >
        {kinds.map((k, gi) => {
          const y0 = gi * (groupH + GROUP_GAP);
          return (
            <g key={k.kind} transform={`translate(0 ${y0})`}>
              <text x={0} y={16} fontSize={14} fontWeight={600} fill="#0f172a">
                {k.kindLabel}
              </text>
              {SERIES.map((s, si) => {
                const y = GROUP_HEAD + si * (BAR_H + BAR_GAP);
                const value = k[s.key];
                const w = value === 0 ? 0 : Math.max(2, (value / max) * barMax);
                return (
                  <g key={s.key}>
                    <text x={0} y={y + BAR_H - 3} fontSize={12} fill="#334155">
                      {s.label}
                    </text>
                    <rect x={LABEL_W} y={y} width={w} height={BAR_H} fill={s.color} rx={2} />
                    <text x={LABEL_W + w + 6} y={y + BAR_H - 3} fontSize={12} fill="#0f172a">
                      {value}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <ul className="mt-3 flex flex-wrap gap-4 text-xs" aria-hidden="true">
        {SERIES.map((s) => (
          <li key={s.key} className="flex items-center gap-1">
            <span className="inline-block h-3 w-3 rounded-sm" style={{ backgroundColor: s.color }} />
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
