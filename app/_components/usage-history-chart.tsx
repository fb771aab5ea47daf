'use client';
import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';

export interface UsageHistoryPoint {
  /** "Oct 2026" (the period's first day). */
  label: string;
  minutes: number;
  /** The current, unfinished period. */
  current: boolean;
}

/**
 * Long-distance minutes of the last periods against the allowance (a dashed line), small, with
 * recharts as the other charts. Hidden from assistive technology: the figure around it is one
 * image named by a sentence with every number.
 */
export function UsageHistoryChart({ points, allowance }: { points: UsageHistoryPoint[]; allowance: number | null }) {
  const max = Math.max(...points.map((p) => p.minutes), allowance ?? 0, 1);
  return (
    <div aria-hidden="true" style={{ width: '100%', height: 140 }} data-testid="usage-history-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="label" tick={{ fill: '#334155', fontSize: 12 }} interval={0} />
          <YAxis tick={{ fill: '#334155', fontSize: 12 }} width={40} domain={[0, Math.ceil(max * 1.1)]} />
          <Bar dataKey="minutes" fill="#1d4ed8" isAnimationActive={false} />
          {allowance !== null && allowance > 0 && (
            <ReferenceLine y={allowance} stroke="#b45309" strokeDasharray="4 3" strokeWidth={2} />
          )}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
