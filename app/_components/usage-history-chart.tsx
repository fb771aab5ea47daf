'use client';
import { AxisBottom, AxisLeft } from '@visx/axis';
import { GridRows } from '@visx/grid';
import { Group } from '@visx/group';
import { ParentSize } from '@visx/responsive';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar, Line } from '@visx/shape';
import { CHART } from './chart-style';

export interface UsageHistoryPoint {
  /** "Oct 2026" (the period's first day). */
  label: string;
  minutes: number;
  /** The current, unfinished period. */
  current: boolean;
}

const HEIGHT = 140;
const MARGIN = { top: 8, right: 8, bottom: 24, left: 40 };

/**
 * Long-distance minutes of the last periods against the allowance (a dashed line), small. Drawn
 * with visx, as the portal's other charts (issue 23: recharts, before, was about 110 KiB of
 * script gzipped and blocked a phone's main thread for hundreds of milliseconds on the page
 * every subscriber opens first).
 * Hidden from assistive technology: the figure around it is one image named by a sentence with
 * every number.
 */
export function UsageHistoryChart({ points, allowance }: { points: UsageHistoryPoint[]; allowance: number | null }) {
  return (
    <div aria-hidden="true" style={{ width: '100%', height: HEIGHT }} data-testid="usage-history-chart">
      <ParentSize debounceTime={50}>
        {({ width }) => (width > 0 ? <Bars width={width} points={points} allowance={allowance} /> : null)}
      </ParentSize>
    </div>
  );
}

function Bars({ width, points, allowance }: { width: number; points: UsageHistoryPoint[]; allowance: number | null }) {
  const innerWidth = Math.max(0, width - MARGIN.left - MARGIN.right);
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = Math.max(...points.map((p) => p.minutes), allowance ?? 0, 1);
  const x = scaleBand({ domain: points.map((p) => p.label), range: [0, innerWidth], padding: 0.2 });
  const y = scaleLinear({ domain: [0, Math.ceil(max * 1.1)], range: [innerHeight, 0], nice: true });
  return (
    <svg width={width} height={HEIGHT} aria-hidden="true">
      <Group left={MARGIN.left} top={MARGIN.top}>
        <GridRows scale={y} width={innerWidth} numTicks={4} stroke={CHART.grid} strokeDasharray={CHART.gridDash} />
        {points.map((p) => {
          const top = y(p.minutes);
          return (
            <Bar
              key={p.label}
              className="usage-bar"
              data-current={p.current || undefined}
              x={x(p.label) ?? 0}
              y={top}
              width={x.bandwidth()}
              height={Math.max(0, innerHeight - top)}
              fill={CHART.bar}
            />
          );
        })}
        {allowance !== null && allowance > 0 && (
          <Line
            from={{ x: 0, y: y(allowance) }}
            to={{ x: innerWidth, y: y(allowance) }}
            stroke="#b45309"
            strokeDasharray="4 3"
            strokeWidth={2}
            data-testid="usage-allowance-line"
          />
        )}
        <AxisLeft
          scale={y}
          numTicks={4}
          stroke={CHART.axis}
          tickStroke={CHART.axis}
          tickLabelProps={{ ...CHART.tick, textAnchor: 'end', dx: -4, dy: 4 }}
        />
        <AxisBottom
          top={innerHeight}
          scale={x}
          stroke={CHART.axis}
          tickStroke={CHART.axis}
          tickLabelProps={{ ...CHART.tick, textAnchor: 'middle' }}
        />
      </Group>
    </svg>
  );
}
