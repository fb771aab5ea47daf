'use client';
import dynamic from 'next/dynamic';

/**
 * The dashboard's usage chart, loaded after the page is interactive: recharts is most of the
 * dashboard's JavaScript (about 110 KiB gzipped), and the chart is a picture of numbers the
 * figure's caption and label already give. The placeholder keeps its height, so nothing moves
 * when it arrives.
 */
export const LazyUsageHistoryChart = dynamic(() => import('./usage-history-chart').then((m) => m.UsageHistoryChart), {
  ssr: false,
  loading: () => <div aria-hidden="true" style={{ width: '100%', height: 140 }} />,
});
