import type { Metadata } from 'next';
import { ChangePage } from '@/app/_components/pages/change-page';

export const metadata: Metadata = { title: 'Review your change' };

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  return <ChangePage searchParams={await searchParams} />;
}
