import type { Metadata } from 'next';
import { PlansPage } from '@/app/_components/pages/plans-page';

export const metadata: Metadata = { title: 'Plans' };
export default async function Page() {
  return <PlansPage />;
}
