/**
 * How the production server's Node runs (npm start, and npm run bench, which measures the server
 * as it is deployed). A page render allocates a few megabytes of short-lived objects; with V8's
 * default 16 MB young generation they are collected, and some promoted, several times a second
 * under load. 32 MB halves those collections: measured on 2 cores (issue 23), the floor page
 * served 23 % and the dashboard 26 % more requests a second in the same interleaved run (64 MB
 * did no better), for about 50 MB more resident memory.
 */
export const SERVER_NODE_OPTIONS = ['--max-semi-space-size=32'];

/** NODE_OPTIONS with the server's options added, unless the operator already set that option. */
export function serverNodeOptions(current: string | undefined): string {
  const have = (current ?? '').split(/\s+/).filter(Boolean);
  const add = SERVER_NODE_OPTIONS.filter((o) => !have.some((h) => h.split('=')[0] === o.split('=')[0]));
  return [...have, ...add].join(' ');
}
