import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getServerSession } from 'next-auth';
import { authOptions } from '@/lib/server/auth';

export const metadata: Metadata = { title: 'Floor', robots: { index: false } };

/**
 * The benchmark's floor (`npm run bench`): the cheapest signed-in dynamic page this app can
 * serve. It reads the session from its cookie (no database) and renders one line, outside the
 * portal layout, so its header's database read is not paid either. Pages are measured as
 * ratios against it.
 */
export default async function FloorPage() {
  const session = (await getServerSession(authOptions)) as { uid?: number } | null;
  if (typeof session?.uid !== 'number') redirect('/login');
  return (
    <main id="main" className="p-4">
      <p data-testid="floor">Signed in (user {session.uid}).</p>
    </main>
  );
}
