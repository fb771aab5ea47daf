import type { Metadata } from 'next';
import { PlansPage } from '@/app/_components/pages/plans-page';
import { agentSubject, type IdParams } from '../../../_lib/subject';

export const metadata: Metadata = { title: 'Subscriber plans' };

export default async function Page({ params }: IdParams) {
  const { param } = await agentSubject((await params).id);
  return <PlansPage subscriberParam={param} />;
}
