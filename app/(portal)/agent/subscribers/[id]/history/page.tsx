import type { Metadata } from 'next';
import { HistoryPage } from '@/app/_components/pages/history-page';
import { agentSubject, type IdParams } from '../../../_lib/subject';

export const metadata: Metadata = { title: 'Subscriber history' };

export default async function Page({ params }: IdParams) {
  const { param } = await agentSubject((await params).id);
  return <HistoryPage subscriberParam={param} />;
}
