import type { Metadata } from 'next';
import { AddOnsPage } from '@/app/_components/pages/add-ons-page';
import { agentSubject, type IdParams } from '../../../_lib/subject';

export const metadata: Metadata = { title: 'Subscriber add-ons' };

export default async function Page({ params }: IdParams) {
  const { param } = await agentSubject((await params).id);
  return <AddOnsPage subscriberParam={param} />;
}
