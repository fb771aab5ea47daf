import type { Metadata } from 'next';
import { HistoryPage } from '@/app/_components/pages/history-page';

export const metadata: Metadata = { title: 'History' };
export default async function Page() {
  return <HistoryPage />;
}
