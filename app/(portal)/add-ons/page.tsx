import type { Metadata } from 'next';
import { AddOnsPage } from '@/app/_components/pages/add-ons-page';

export const metadata: Metadata = { title: 'Add-ons' };
export default async function Page() {
  return <AddOnsPage />;
}
