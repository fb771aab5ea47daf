/**
 * npm run admin:create -- --email admin@operator.example --name "Morgan Lee" [--role agent]
 *
 * Creates a staff account (an admin unless --role agent) on the configured database (PGlite in
 * DATA_DIR with the server stopped, or PostgreSQL with DATABASE_URL), which is migrated and
 * given the catalog first if needed; never demo data. The password is read from standard
 * input: typed twice without echo at a terminal, or piped (`printf '%s' "$PW" | npm run …`;
 * one trailing newline is dropped). It must pass the password policy (12–128 characters, not
 * a common password). Exits 0 on success, 2 on bad input, 3 when the data folder is in use.
 */
import { parseArgs } from 'node:util';
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { eq, sql } from 'drizzle-orm';
import * as s from '../db/schema';
import { DataFolderLockedError } from '../db/lock';
import { recordAudit } from '../lib/server/audit';
import { checkNewPassword, hashPassword } from '../lib/server/passwords';
import { describeTarget, openForScript } from './lib';

class UsageError extends Error {}

const argsSchema = z.object({
  email: z
    .string({ message: '--email is required' })
    .trim()
    .toLowerCase()
    .email('--email must be an email address')
    .max(254),
  name: z
    .string({ message: '--name is required' })
    .trim()
    .min(1, '--name must not be empty')
    .max(120, '--name: at most 120 characters'),
  role: z.enum(['admin', 'agent'], { message: '--role must be admin or agent' }).default('admin'),
});

async function readPiped(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Reads a line at the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    let muted = false;
    const output = new Writable({
      write(chunk, _enc, cb) {
        if (!muted) process.stdout.write(chunk);
        cb();
      },
    });
    const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPiped();
  const first = await askHidden('Password for the new account: ');
  const again = await askHidden('The same again: ');
  if (first !== again) throw new UsageError('The two passwords differ. Nothing was created.');
  return first;
}

async function main() {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } },
    strict: true,
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success)
    throw new UsageError(
      `${parsed.error.issues.map((i) => i.message).join('; ')}\nUsage: npm run admin:create -- --email EMAIL --name NAME [--role admin|agent]  (password on standard input)`,
    );
  const { email, name, role } = parsed.data;

  const password = await readPassword();
  if (password === '') throw new UsageError('No password was given on standard input. Nothing was created.');
  const check = await checkNewPassword(password);
  if (!check.ok) throw new UsageError(`${check.message} Nothing was created.`);
  const passwordHash = await hashPassword(password);

  const handle = await openForScript('npm run admin:create', { seedDemo: false });
  try {
    const created = await handle.db.transaction(async (tx) => {
      const existing = await tx.select({ id: s.users.id }).from(s.users).where(eq(s.users.email, email)).limit(1);
      if (existing.length) return null;
      const [user] = await tx.insert(s.users).values({ email, name, role, passwordHash }).returning({ id: s.users.id });
      await recordAudit(tx, {
        actor: { kind: 'command-line' },
        action: 'create_staff_account',
        outcome: 'ok',
        detail: { userId: user!.id, email, role, via: 'npm run admin:create' },
      });
      return user!.id;
    });
    if (created === null)
      throw new UsageError(`An account with the email ${email} already exists. Nothing was created.`);
    const [{ n } = { n: 0 }] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(s.users);
    console.log(
      `Created ${role} ${email} (${name}), user ${created}, in ${describeTarget()} (${n} account${n === 1 ? '' : 's'} now).`,
    );
  } finally {
    await handle.close();
  }
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) {
    console.error(e.message);
    process.exit(2);
  }
  if (e instanceof DataFolderLockedError) {
    console.error(e.message);
    process.exit(3);
  }
  if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${e.message}\nUsage: npm run admin:create -- --email EMAIL --name NAME [--role admin|agent]`);
    process.exit(2);
  }
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
