'use client';
import { type ComponentType, useEffect, useState } from 'react';
import type { UsageHistoryPoint } from './usage-history-chart';

type ChartProps = { points: UsageHistoryPoint[]; allowance: number | null };
type Chart = ComponentType<ChartProps>;

/** The chart once loaded in this browser tab: a later view (client-side navigation) shows it at once. */
let loaded: Chart | null = null;

/** A box of the chart's height, so nothing moves when the chart arrives. */
function Placeholder() {
  return <div aria-hidden="true" style={{ width: '100%', height: 140 }} />;
}

/**
 * The dashboard's usage chart, loaded after the page is interactive: the chart is a picture of
 * numbers the figure's caption and label already give, so the page's own script doesn't wait
 * for its library. The server renders the placeholder; the browser
 * fetches the chart's chunk once hydrated.
 *
 * Not next/dynamic with `ssr: false`: that bails out of server rendering by throwing an error
 * inside React on every request (a client-rendered Suspense boundary). A plain import() in an
 * effect renders the same placeholder without it. (Issue 23: measured side by side, the server's
 * cost per dashboard moved by less than the benchmark's noise; nothing is thrown any more.)
 */
export function LazyUsageHistoryChart(props: ChartProps) {
  // Null on the server and at hydration (a fresh page has loaded nothing yet), so the two agree.
  const [Loaded, setLoaded] = useState<Chart | null>(() => loaded);
  useEffect(() => {
    if (Loaded) return;
    let live = true;
    import('./usage-history-chart')
      .then((m) => {
        loaded = m.UsageHistoryChart;
        if (live) setLoaded(() => m.UsageHistoryChart);
      })
      // The figure's label gives every number: without the chart the placeholder stays.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [Loaded]);
  return Loaded ? <Loaded {...props} /> : <Placeholder />;
}
