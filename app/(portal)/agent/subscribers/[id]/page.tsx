import type { Metadata } from 'next';
import { AppLink } from '@/app/_components/app-link';
import { AgentNotesList } from '@/app/_components/agent-notes';
import { OverviewPage } from '@/app/_components/pages/overview-page';
import { listNotes } from '@/lib/server/notes';
import { agentSubject, type IdParams } from '../../_lib/subject';

export const metadata: Metadata = { title: 'Subscriber overview' };

export default async function Page({ params }: IdParams) {
  const { actor, subscriber, param } = await agentSubject((await params).id);
  const notes = await listNotes(actor, subscriber.id);
  return (
    <>
      <OverviewPage subscriberParam={param} />
      <section aria-labelledby="latest-notes-heading" className="card mt-5" data-testid="latest-notes">
        <h2 id="latest-notes-heading" className="mb-2 text-lg font-semibold">
          Latest notes
        </h2>
        <AgentNotesList notes={notes.slice(0, 3)} />
        <p className="mt-3 text-sm">
          <AppLink href={`/agent/subscribers/${subscriber.id}/audit#notes-heading`}>
            {notes.length > 3 ? `All ${notes.length} notes, and add a note` : 'Add a note'}
          </AppLink>
        </p>
      </section>
    </>
  );
}
