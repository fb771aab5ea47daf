'use client';
import { ColumnChart } from './column-chart';

export interface UsageHistoryPoint {
  /** "Oct 2026" (the period's first day). */
  label: string;
  minutes: number;
  /** The current, unfinished period. */
  current: boolean;
}

/**
 * Long-distance minutes of the last periods against the allowance (a dashed line), small. Drawn
 * with visx, as the portal's other charts (issue 23: recharts, before, was about 110 KiB of
 * script gzipped and blocked a phone's main thread for hundreds of milliseconds on the page
 * every subscriber opens first). Hidden from assistive technology: the figure around it is one
 * image named by a sentence with every number.
 */
export function UsageHistoryChart({ points, allowance }: { points: UsageHistoryPoint[]; allowance: number | null }) {
  return (
    <div aria-hidden="true" style={{ width: '100%', height: 140 }} data-testid="usage-history-chart">
      <ColumnChart
        columns={points.map((p) => ({ key: p.label, label: p.label, value: p.minutes, current: p.current }))}
        height={140}
        axisWidth={40}
        columnClass="usage-bar"
        reference={allowance}
        headroom={0.1}
      />
    </div>
  );
}
