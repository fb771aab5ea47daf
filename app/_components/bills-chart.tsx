'use client';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { createFormats, type DisplaySettings } from '@/lib/domain/text';

export interface BillsChartPoint {
  /** "Dec 2026" */
  label: string;
  number: number;
  totalCents: number;
}

/**
 * The last twelve bill totals as bars (recharts, loaded by the Bills page only). To assistive
 * technology the chart is one image named by a sentence with every total in it.
 */
export function BillsChart({
  points,
  summary,
  display,
}: {
  points: BillsChartPoint[];
  summary: string;
  display: DisplaySettings;
}) {
  const f = createFormats(display);
  const data = points.map((p) => ({ ...p, total: p.totalCents / 100 }));
  return (
    <div role="img" aria-label={summary} style={{ width: '100%', height: 220 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="label" tick={{ fill: '#334155', fontSize: 12 }} />
          <YAxis
            tick={{ fill: '#334155', fontSize: 12 }}
            tickFormatter={(v: number) => f.wholeMoney(Math.round(v * 100))}
            width={48}
          />
          <Bar dataKey="total" fill="#1d4ed8" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
