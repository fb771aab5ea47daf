'use client';
import { AxisBottom, AxisLeft } from '@visx/axis';
import { GridRows } from '@visx/grid';
import { Group } from '@visx/group';
import { ParentSize } from '@visx/responsive';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import { createFormats, type DisplaySettings } from '@/lib/domain/text';
import { CHART } from './chart-style';

export interface BillsChartPoint {
  /** "Dec 2026" */
  label: string;
  number: number;
  totalCents: number;
}

const HEIGHT = 220;
const MARGIN = { top: 8, right: 8, bottom: 28, left: 56 };

/**
 * The last twelve bill totals as bars (visx, as the portal's other charts; loaded by the Bills
 * page only). To assistive technology the chart is one image named by a sentence with every
 * total in it.
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
  return (
    <div role="img" aria-label={summary} style={{ width: '100%', height: HEIGHT }}>
      <ParentSize debounceTime={50}>
        {({ width }) => (width > 0 ? <Bars width={width} points={points} display={display} /> : null)}
      </ParentSize>
    </div>
  );
}

function Bars({ width, points, display }: { width: number; points: BillsChartPoint[]; display: DisplaySettings }) {
  const f = createFormats(display);
  const innerWidth = Math.max(0, width - MARGIN.left - MARGIN.right);
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = scaleBand({ domain: points.map((p) => p.number), range: [0, innerWidth], padding: 0.2 });
  // A credit (a negative total) goes below the zero line.
  const totals = points.map((p) => p.totalCents);
  const y = scaleLinear({
    domain: [Math.min(0, ...totals), Math.max(100, ...totals)],
    range: [innerHeight, 0],
    nice: true,
  });
  const zero = y(0);
  const labels = new Map(points.map((p) => [p.number, p.label]));
  return (
    <svg width={width} height={HEIGHT} aria-hidden="true" data-testid="bills-chart-svg">
      <Group left={MARGIN.left} top={MARGIN.top}>
        <GridRows scale={y} width={innerWidth} numTicks={5} stroke={CHART.grid} strokeDasharray={CHART.gridDash} />
        {points.map((p) => {
          const at = y(p.totalCents);
          return (
            <Bar
              key={p.number}
              className="bill-bar"
              x={x(p.number) ?? 0}
              y={Math.min(at, zero)}
              width={x.bandwidth()}
              height={Math.abs(zero - at)}
              fill={CHART.bar}
            />
          );
        })}
        <AxisLeft
          scale={y}
          numTicks={5}
          stroke={CHART.axis}
          tickStroke={CHART.axis}
          tickFormat={(v) => f.wholeMoney(Number(v))}
          tickLabelProps={{ ...CHART.tick, textAnchor: 'end', dx: -4, dy: 4 }}
        />
        <AxisBottom
          top={innerHeight}
          scale={x}
          stroke={CHART.axis}
          tickStroke={CHART.axis}
          // Twelve labels don't fit a phone: every other one when narrow.
          tickValues={
            innerWidth / points.length < 56
              ? points.filter((_, i) => (points.length - 1 - i) % 2 === 0).map((p) => p.number)
              : undefined
          }
          tickFormat={(n) => labels.get(Number(n)) ?? ''}
          tickLabelProps={{ ...CHART.tick, textAnchor: 'middle' }}
        />
      </Group>
    </svg>
  );
}
