import type { AgentNote } from '@/lib/server/notes';
import { formatMoment } from './format';

const when = (iso: string): string => formatMoment(iso);

/** Notes agents left on an account, newest first. */
export function AgentNotesList({ notes, emptyText = 'No notes yet.' }: { notes: AgentNote[]; emptyText?: string }) {
  if (notes.length === 0) {
    return (
      <p className="muted text-sm" data-testid="notes-empty">
        {emptyText}
      </p>
    );
  }
  return (
    <ol className="space-y-3" data-testid="notes">
      {notes.map((n) => (
        <li key={n.id} className="rounded-lg border border-slate-200 p-3" data-testid="note">
          <p className="whitespace-pre-wrap text-sm [overflow-wrap:anywhere]" data-testid="note-body">
            {n.body}
          </p>
          <p className="muted mt-1 text-xs">
            <span data-testid="note-author">{n.author}</span> ({n.authorRole}) ·{' '}
            <time dateTime={n.createdAt}>{when(n.createdAt)}</time>
          </p>
        </li>
      ))}
    </ol>
  );
}
