/** What confirming a change returns: the server's result, shown by the confirm form (a client component). */
export interface ConfirmResult {
  status: 'applied' | 'scheduled';
  orderId: number;
  effectiveDate: string;
  message: string;
  /** True when this was a repeat of an earlier confirm with the same key. */
  replayed: boolean;
}
