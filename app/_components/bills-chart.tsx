'use client';
import { createFormats, type DisplaySettings } from '@/lib/domain/text';
import { ColumnChart } from './column-chart';

export interface BillsChartPoint {
  /** "Dec 2026" */
  label: string;
  number: number;
  totalCents: number;
}

/**
 * The last twelve bill totals as columns (visx, as the portal's other charts; loaded by the
 * Bills page only). To assistive technology the chart is one image named by a sentence with
 * every total in it.
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
  return (
    <div role="img" aria-label={summary} style={{ width: '100%', height: 220 }}>
      <ColumnChart
        columns={points.map((p) => ({ key: p.number, label: p.label, value: p.totalCents }))}
        height={220}
        axisWidth={56}
        columnClass="bill-bar"
        formatValue={(cents) => f.wholeMoney(cents)}
        minTop={100}
      />
    </div>
  );
}
