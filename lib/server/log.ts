import 'server-only';
/** Server-side logging with context; never shown to users. */
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
export const log = {
  info: (msg: string, ctx?: unknown) => console.log(fmt('INFO', msg, ctx)),
  warn: (msg: string, ctx?: unknown) => console.warn(fmt('WARN', msg, ctx)),
  error: (msg: string, ctx?: unknown) => console.error(fmt('ERROR', msg, ctx)),
};
