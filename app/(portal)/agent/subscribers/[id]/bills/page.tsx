import type { Metadata } from 'next';
import { BillsPage } from '@/app/_components/pages/bills-page';
import { agentSubject, type IdParams } from '../../../_lib/subject';

export const metadata: Metadata = { title: 'Subscriber bills' };

export default async function Page({ params }: IdParams) {
  const { param } = await agentSubject((await params).id);
  return <BillsPage subscriberParam={param} />;
}
