'use client';
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { ANALYTICS_SERIES } from './analytics-series';

export interface AnalyticsBarsRow {
  kindLabel: string;
  impressions: number;
  acceptances: number;
  dismissals: number;
  snoozes: number;
}

/**
 * Offer events per kind as horizontal bars (recharts, as the Bills chart). The chart is as wide
 * as its card and its labels stay 12 px at any width (the hand-drawn SVG it replaces was scaled
 * down to ~6 px on a phone). The figure around it names the picture for assistive technology.
 */
export function AnalyticsBars({ rows }: { rows: AnalyticsBarsRow[] }) {
  const height = 40 + rows.length * 4 * 22;
  return (
    <div aria-hidden="true" style={{ width: '100%', height }} data-testid="analytics-bars">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={rows}
          layout="vertical"
          margin={{ top: 4, right: 32, bottom: 4, left: 4 }}
          barCategoryGap={10}
          accessibilityLayer={false}
        >
          <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="#e2e8f0" />
          <XAxis type="number" allowDecimals={false} tick={{ fill: '#334155', fontSize: 12 }} />
          <YAxis type="category" dataKey="kindLabel" width={88} tick={{ fill: '#0f172a', fontSize: 12 }} />
          {ANALYTICS_SERIES.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} isAnimationActive={false}>
              <LabelList dataKey={s.key} position="right" style={{ fill: '#0f172a', fontSize: 12 }} />
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
