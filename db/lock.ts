/**
 * PGlite is single-process: two processes on one data folder corrupt it beyond repair.
 * The folder is guarded by a lock file that names its holder; a second process is refused
 * with a message that says who holds it. A lock left by a dead process is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class DataFolderLockedError extends Error {
  constructor(
    readonly folder: string,
    readonly holder: LockInfo,
  ) {
    super(
      `The embedded database in ${folder} is in use by another process ` +
        `(pid ${holder.pid}, "${holder.command}", since ${holder.since} on ${holder.host}). ` +
        `PGlite allows one process per data folder: stop that process first ` +
        `(or point DATABASE_URL at PostgreSQL to run several).`,
    );
    this.name = 'DataFolderLockedError';
  }
}

export interface LockInfo {
  pid: number;
  command: string;
  since: string;
  host: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

export interface HeldLock {
  file: string;
  release(): void;
}

/** Take the lock on `folder` for this process, or throw DataFolderLockedError. */
export function acquireLock(folder: string, command: string): HeldLock {
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'switchboard.lock');
  const me: LockInfo = { pid: process.pid, command, since: new Date().toISOString(), host: os.hostname() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const current = readLock(file);
        if (current?.pid === process.pid) fs.rmSync(file, { force: true });
      };
      process.once('exit', release);
      return { file, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(file);
      if (holder && holder.pid === process.pid) {
        return { file, release: () => {} };
      }
      if (holder && holder.host === os.hostname() && alive(holder.pid)) {
        throw new DataFolderLockedError(folder, holder);
      }
      // Stale (holder died, or unreadable half-written file): take it over.
      fs.rmSync(file, { force: true });
    }
  }
  const holder = readLock(file) ?? { pid: -1, command: 'unknown', since: 'unknown', host: 'unknown' };
  throw new DataFolderLockedError(folder, holder);
}
