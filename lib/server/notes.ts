import 'server-only';
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import * as s from '@/db/schema';
import type { Actor } from './actor';
import { requireStaffOn } from './agents';
import { hasVisibleText } from '@/lib/domain/text';
import { recordAudit } from './audit';
import { getDb, withTransaction } from './db';
import { AppError, storableText } from './errors';

/**
 * Notes agents leave on an account. Staff only (a refusal is audited). A note is kept as
 * written (no edit, no delete: it is part of the account's record), and adding one is also
 * an audit event that points at it.
 */

export const NOTE_MAX_LENGTH = 2000;
const NOTES_LIMIT = 200;

export interface AgentNote {
  id: number;
  body: string;
  author: string;
  authorRole: string;
  createdAt: string;
}

export const noteBodySchema = z
  .string()
  .trim()
  .min(1, 'Write the note first.')
  .max(NOTE_MAX_LENGTH, `At most ${NOTE_MAX_LENGTH} characters.`)
  .refine(storableText, 'The note contains a character that cannot be stored (NUL).')
  .refine(hasVisibleText, 'Write the note first: it has only spaces or invisible characters.');

/** Newest first (the latest 200). */
export async function listNotes(actor: Actor, subscriberId: number): Promise<AgentNote[]> {
  const db = await getDb();
  await requireStaffOn(db, actor, subscriberId, 'view_notes');
  const rows = await db
    .select({
      id: s.agentNotes.id,
      body: s.agentNotes.body,
      createdAt: s.agentNotes.createdAt,
      author: s.users.name,
      authorRole: s.users.role,
    })
    .from(s.agentNotes)
    .innerJoin(s.users, eq(s.users.id, s.agentNotes.authorUserId))
    .where(eq(s.agentNotes.subscriberId, subscriberId))
    .orderBy(desc(s.agentNotes.createdAt), desc(s.agentNotes.id))
    .limit(NOTES_LIMIT);
  return rows.map((r) => ({
    id: r.id,
    body: r.body,
    author: r.author,
    authorRole: r.authorRole,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** Adds a note (1 to 2000 characters) to an account, with its audit event, in one transaction. */
export async function addNote(
  actor: Actor,
  input: { subscriberId: number; body: string },
): Promise<{ id: number; message: string }> {
  const db = await getDb();
  // The role first: someone who may not add notes is refused (and audited) whatever they sent.
  await requireStaffOn(db, actor, input.subscriberId, 'add_note');
  const body = noteBodySchema.safeParse(input.body);
  if (!body.success) {
    const message = body.error.issues[0]?.message ?? 'The note is not valid.';
    throw new AppError('invalid', message, { body: body.error.issues.map((i) => i.message) });
  }
  return withTransaction(async (tx) => {
    const [note] = await tx
      .insert(s.agentNotes)
      .values({ subscriberId: input.subscriberId, authorUserId: actor.userId, body: body.data })
      .returning({ id: s.agentNotes.id });
    const id = note!.id;
    await recordAudit(tx, {
      actor,
      subscriberId: input.subscriberId,
      action: 'note_added',
      outcome: 'ok',
      detail: { noteId: id, length: body.data.length },
    });
    return { id, message: 'Note added.' };
  });
}
