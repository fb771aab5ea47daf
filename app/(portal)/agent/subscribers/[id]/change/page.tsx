import type { Metadata } from 'next';
import { ChangePage } from '@/app/_components/pages/change-page';
import { agentSubject } from '../../../_lib/subject';

export const metadata: Metadata = { title: 'Review a change' };

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { param } = await agentSubject((await params).id);
  return <ChangePage subscriberParam={param} searchParams={await searchParams} />;
}
