'use client';
import { AxisBottom, AxisLeft } from '@visx/axis';
import { GridColumns } from '@visx/grid';
import { Group } from '@visx/group';
import { ParentSize } from '@visx/responsive';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import { Text } from '@visx/text';
import { ANALYTICS_SERIES } from './analytics-series';
import { CHART } from './chart-style';

export interface AnalyticsBarsRow {
  kindLabel: string;
  impressions: number;
  acceptances: number;
  dismissals: number;
  snoozes: number;
}

const MARGIN = { top: 4, right: 40, bottom: 24, left: 92 };
const BAR = 18;

/**
 * Offer events per kind as horizontal bars, one group of four a kind, each bar with its number
 * (visx, as the portal's other charts). The chart is as wide as its card and its labels stay
 * 12 px at any width. The figure around it names the picture for assistive technology.
 */
export function AnalyticsBars({ rows }: { rows: AnalyticsBarsRow[] }) {
  const height = 40 + rows.length * 4 * 22;
  return (
    <div aria-hidden="true" style={{ width: '100%', height }} data-testid="analytics-bars">
      <ParentSize debounceTime={50}>
        {({ width }) => (width > 0 ? <Bars width={width} height={height} rows={rows} /> : null)}
      </ParentSize>
    </div>
  );
}

function Bars({ width, height, rows }: { width: number; height: number; rows: AnalyticsBarsRow[] }) {
  const innerWidth = Math.max(0, width - MARGIN.left - MARGIN.right);
  const innerHeight = height - MARGIN.top - MARGIN.bottom;
  const kind = scaleBand({ domain: rows.map((r) => r.kindLabel), range: [0, innerHeight], paddingInner: 0.12 });
  const series = scaleBand({
    domain: ANALYTICS_SERIES.map((s) => s.key),
    range: [0, kind.bandwidth()],
    padding: 0.08,
  });
  const max = Math.max(1, ...rows.flatMap((r) => ANALYTICS_SERIES.map((s) => r[s.key])));
  const x = scaleLinear({ domain: [0, max], range: [0, innerWidth], nice: true });
  const ticks = x.ticks(Math.min(5, x.domain()[1]!)).filter(Number.isInteger);
  const barHeight = Math.min(BAR, series.bandwidth());
  return (
    <svg width={width} height={height} aria-hidden="true">
      <Group left={MARGIN.left} top={MARGIN.top}>
        <GridColumns
          scale={x}
          height={innerHeight}
          tickValues={ticks}
          stroke={CHART.grid}
          strokeDasharray={CHART.gridDash}
        />
        {rows.map((r) => (
          <Group key={r.kindLabel} top={kind(r.kindLabel) ?? 0} className="analytics-group">
            {ANALYTICS_SERIES.map((s) => {
              const y = (series(s.key) ?? 0) + (series.bandwidth() - barHeight) / 2;
              const w = x(r[s.key]);
              return (
                <g key={s.key} data-series={s.key}>
                  <Bar x={0} y={y} width={w} height={barHeight} fill={s.color} className="analytics-bar" />
                  <Text x={w + 4} y={y + barHeight / 2} verticalAnchor="middle" fill={CHART.label} fontSize={12}>
                    {r[s.key]}
                  </Text>
                </g>
              );
            })}
          </Group>
        ))}
        <AxisLeft
          scale={kind}
          stroke={CHART.axis}
          tickStroke={CHART.axis}
          // A kind's name wraps onto lines within the margin ("Add-on (cross-sell)").
          tickLabelProps={{
            ...CHART.tick,
            fill: CHART.label,
            textAnchor: 'end',
            verticalAnchor: 'middle',
            width: MARGIN.left - 8,
            dx: -4,
          }}
        />
        <AxisBottom
          top={innerHeight}
          scale={x}
          tickValues={ticks}
          tickFormat={(v) => String(v)}
          stroke={CHART.axis}
          tickStroke={CHART.axis}
          tickLabelProps={{ ...CHART.tick, textAnchor: 'middle' }}
        />
      </Group>
    </svg>
  );
}
