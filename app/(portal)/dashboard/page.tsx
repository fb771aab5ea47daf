import type { Metadata } from 'next';
import { OverviewPage } from '@/app/_components/pages/overview-page';

export const metadata: Metadata = { title: 'Overview' };

export default async function DashboardPage() {
  return <OverviewPage />;
}
