'use client';
import { Bar, BarChart, CartesianGrid, XAxis, YAxis } from 'recharts';

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
export function BillsChart({ points, summary }: { points: BillsChartPoint[]; summary: string }) {
  const data = points.map((p) => ({ ...p, total: p.totalCents / 100 }));
  return (
    <div role="img" aria-label={summary} className="overflow-x-auto">
      <BarChart
        width={640}
        height={220}
        data={data}
        margin={{ top: 8, right: 8, bottom: 8, left: 8 }}
        accessibilityLayer={false}
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey="label" tick={{ fill: '#334155', fontSize: 12 }} />
        <YAxis tick={{ fill: '#334155', fontSize: 12 }} tickFormatter={(v: number) => v.toFixed(0)} width={40} />
        <Bar dataKey="total" fill="#1d4ed8" isAnimationActive={false} />
      </BarChart>
    </div>
  );
}
