'use client';
import { AxisBottom, AxisLeft } from '@visx/axis';
import { GridRows } from '@visx/grid';
import { Group } from '@visx/group';
import { ParentSize } from '@visx/responsive';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar, Line } from '@visx/shape';
import { CHART } from './chart-style';

export interface Column {
  /** Unique among the columns. */
  key: string | number;
  /** Under the column ("Dec 2026"). */
  label: string;
  value: number;
  /** Marked with `data-current` (the period under way). */
  current?: boolean;
}

export interface ColumnChartProps {
  columns: Column[];
  height: number;
  /** Room for the value axis's labels, in px. */
  axisWidth: number;
  /** Each column's class (tests count them). */
  columnClass: string;
  /** The value axis's labels ("$40"); numbers as they are when absent. */
  formatValue?: (value: number) => string;
  /** A dashed line across at this value (an allowance), part of the scale. */
  reference?: number | null;
  /** The scale's top at least this (so a small value doesn't fill the chart). */
  minTop?: number;
  /** Room above the highest value or line, as a share of it (0.1 = 10 %). */
  headroom?: number;
}

/**
 * Columns of values with a value axis and light gridlines (visx: small SVG parts on d3's
 * scales), as wide as the box it is in. A negative value (a credit) goes below the zero line.
 * Hidden from assistive technology: the figure or image around it names the numbers.
 */
export function ColumnChart(props: ColumnChartProps) {
  return (
    <ParentSize debounceTime={50}>
      {({ width }) => (width > 0 ? <Columns width={width} {...props} /> : null)}
    </ParentSize>
  );
}

function Columns({
  width,
  columns,
  height,
  axisWidth,
  columnClass,
  formatValue = String,
  reference = null,
  minTop = 1,
  headroom = 0,
}: ColumnChartProps & { width: number }) {
  const margin = { top: 8, right: 8, bottom: 24, left: axisWidth };
  const innerWidth = Math.max(0, width - margin.left - margin.right);
  const innerHeight = height - margin.top - margin.bottom;
  const values = columns.map((c) => c.value);
  const top = Math.max(minTop, reference ?? 0, ...values);
  const x = scaleBand({ domain: columns.map((c) => c.key), range: [0, innerWidth], padding: 0.2 });
  const y = scaleLinear({
    domain: [Math.min(0, ...values), Math.ceil(top * (1 + headroom))],
    range: [innerHeight, 0],
    nice: true,
  });
  const zero = y(0);
  const labels = new Map(columns.map((c) => [c.key, c.label]));
  // Labels that don't fit side by side (twelve on a phone): every other one, the newest kept.
  const crowded = innerWidth / Math.max(1, columns.length) < 56;
  return (
    <svg width={width} height={height} aria-hidden="true">
      <Group left={margin.left} top={margin.top}>
        <GridRows scale={y} width={innerWidth} numTicks={4} stroke={CHART.grid} strokeDasharray={CHART.gridDash} />
        {columns.map((c) => {
          const at = y(c.value);
          return (
            <Bar
              key={c.key}
              className={columnClass}
              data-current={c.current || undefined}
              x={x(c.key) ?? 0}
              y={Math.min(at, zero)}
              width={x.bandwidth()}
              height={Math.abs(zero - at)}
              fill={CHART.bar}
            />
          );
        })}
        {reference !== null && reference > 0 && (
          <Line
            from={{ x: 0, y: y(reference) }}
            to={{ x: innerWidth, y: y(reference) }}
            stroke={CHART.reference}
            strokeDasharray="4 3"
            strokeWidth={2}
          />
        )}
        <AxisLeft
          scale={y}
          numTicks={4}
          stroke={CHART.axis}
          tickStroke={CHART.axis}
          tickFormat={(v) => formatValue(Number(v))}
          tickLabelProps={{ ...CHART.tick, textAnchor: 'end', dx: -4, dy: 4 }}
        />
        <AxisBottom
          top={innerHeight}
          scale={x}
          stroke={CHART.axis}
          tickStroke={CHART.axis}
          tickValues={
            crowded ? columns.filter((_, i) => (columns.length - 1 - i) % 2 === 0).map((c) => c.key) : undefined
          }
          tickFormat={(k) => labels.get(k) ?? ''}
          tickLabelProps={{ ...CHART.tick, textAnchor: 'middle' }}
        />
      </Group>
    </svg>
  );
}
