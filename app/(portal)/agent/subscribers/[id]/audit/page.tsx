import type { Metadata } from 'next';
import { formatMoment } from '@/app/_components/format';
import { AgentNoteForm } from '@/app/_components/agent-note-form';
import { AgentNotesList } from '@/app/_components/agent-notes';
import { getAuditTrail } from '@/lib/server/agents';
import { listNotes, NOTE_MAX_LENGTH } from '@/lib/server/notes';
import { agentSubject, type IdParams } from '../../../_lib/subject';

export const metadata: Metadata = { title: 'Audit trail and notes' };

const OUTCOME_BADGE: Record<string, string> = {
  ok: 'bg-emerald-100 text-emerald-900',
  refused: 'bg-red-100 text-red-900',
};

export default async function Page({ params }: IdParams) {
  const { actor, subscriber } = await agentSubject((await params).id);
  const [trail, notes] = await Promise.all([getAuditTrail(actor, subscriber.id), listNotes(actor, subscriber.id)]);
  return (
    <>
      <h1 className="mb-6 text-2xl font-bold">Audit trail and notes for {subscriber.name}</h1>
      <section aria-labelledby="notes-heading" className="card mb-6">
        <h2 id="notes-heading" className="mb-3 text-lg font-semibold">
          Notes
        </h2>
        <div className="grid gap-5 md:grid-cols-2">
          <AgentNoteForm subscriberId={subscriber.id} maxLength={NOTE_MAX_LENGTH} />
          <AgentNotesList notes={notes} />
        </div>
      </section>
      <section aria-labelledby="audit-heading">
        <h2 id="audit-heading" className="mb-1 text-lg font-semibold">
          Audit trail
        </h2>
        <p className="muted mb-3 text-sm">
          Everything done to this account, newest first (times in UTC). The trail can&apos;t be edited.
        </p>
        {trail.length === 0 ? (
          <p className="muted" data-testid="audit-empty">
            Nothing recorded for this account yet.
          </p>
        ) : (
          <div
            className="card overflow-x-auto p-0"
            role="region"
            aria-label="Audit trail table (scrolls sideways)"
            data-scrolls
            tabIndex={0}
          >
            <table className="w-full text-sm" data-testid="audit-trail">
              <caption className="sr-only">
                Audit trail of {subscriber.name}: who, when, what, before and after, and why
              </caption>
              <thead className="bg-slate-50 text-left">
                <tr>
                  <th scope="col" className="p-3 font-semibold">
                    When
                  </th>
                  <th scope="col" className="p-3 font-semibold">
                    Who
                  </th>
                  <th scope="col" className="p-3 font-semibold">
                    What
                  </th>
                  <th scope="col" className="p-3 font-semibold">
                    Before
                  </th>
                  <th scope="col" className="p-3 font-semibold">
                    After
                  </th>
                  <th scope="col" className="p-3 font-semibold">
                    Reason
                  </th>
                  <th scope="col" className="p-3 font-semibold">
                    Outcome
                  </th>
                </tr>
              </thead>
              <tbody>
                {trail.map((e) => (
                  <tr
                    key={e.id}
                    className="border-t border-slate-200 align-top"
                    data-testid="audit-entry"
                    data-action={e.action}
                    data-outcome={e.outcome}
                  >
                    <td className="p-3 whitespace-nowrap tabular-nums">
                      <time dateTime={e.at}>{formatMoment(e.at)}</time>
                    </td>
                    <td className="p-3" data-testid="audit-who">
                      {e.who}
                      {e.whoRole && e.whoRole !== 'subscriber' && e.who !== 'Test suite' ? (
                        <span className="muted"> ({e.whoRole})</span>
                      ) : null}
                    </td>
                    <td className="p-3">
                      <span className="font-medium" data-testid="audit-action">
                        {e.actionLabel}
                      </span>
                      {e.detail && <span className="muted block text-xs [overflow-wrap:anywhere]">{e.detail}</span>}
                    </td>
                    <td className="p-3" data-testid="audit-before">
                      {e.before ?? '—'}
                    </td>
                    <td className="p-3" data-testid="audit-after">
                      {e.after ?? '—'}
                    </td>
                    <td className="min-w-40 p-3 [overflow-wrap:anywhere]" data-testid="audit-reason">
                      {e.reason ?? '—'}
                    </td>
                    <td className="p-3">
                      <span
                        className={`rounded-full px-2 py-0.5 text-xs font-medium ${OUTCOME_BADGE[e.outcome] ?? 'bg-slate-100 text-slate-800'}`}
                        data-testid="audit-outcome"
                      >
                        {e.outcome}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
