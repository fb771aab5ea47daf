/**
 * The look the portal's charts share (visx: small SVG parts on d3's scales). Text stays 12 px
 * at any width; the colours pass WCAG AA on white.
 */
export const CHART = {
  tick: { fill: '#334155', fontSize: 12 },
  /** Names and numbers on the bars themselves: darker than the axes' ticks. */
  label: '#0f172a',
  axis: '#94a3b8',
  grid: '#e2e8f0',
  gridDash: '3 3',
  bar: '#1d4ed8',
  /** A line across a chart: an allowance. */
  reference: '#b45309',
} as const;
