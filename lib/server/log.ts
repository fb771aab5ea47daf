import 'server-only';
import { config } from '@/lib/config';

/** Server-side logging with context; never shown to users. LOG_LEVEL (default info) sets the least severe level written. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function fmt(level: string, msg: string, ctx?: unknown): string {
  const base = `${new Date().toISOString()} ${level} ${msg}`;
  if (ctx === undefined) return base;
  if (ctx instanceof Error) return `${base} ${ctx.stack ?? ctx.message}`;
  try {
    return `${base} ${JSON.stringify(ctx)}`;
  } catch {
    return `${base} ${String(ctx)}`;
  }
}

/** Whether a message at `level` is written. An unreadable environment logs everything (the error that says why comes from config() itself). */
export function logs(level: LogLevel): boolean {
  let threshold: LogLevel = 'info';
  try {
    threshold = config().logLevel;
  } catch {
    return true;
  }
  return RANK[level] >= RANK[threshold];
}

function write(level: LogLevel, out: (line: string) => void) {
  return (msg: string, ctx?: unknown): void => {
    if (logs(level)) out(fmt(level.toUpperCase(), msg, ctx));
  };
}

export const log = {
  debug: write('debug', (l) => console.debug(l)),
  info: write('info', (l) => console.log(l)),
  warn: write('warn', (l) => console.warn(l)),
  error: write('error', (l) => console.error(l)),
};
