import type { Metadata } from 'next';
import { BillsPage } from '@/app/_components/pages/bills-page';

export const metadata: Metadata = { title: 'Bills' };
export default async function Page() {
  return <BillsPage />;
}
