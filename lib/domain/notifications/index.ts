/** Notifications: which messages need consent, retries and giving up, the 3-day reminder. */
export * from './rules';
export * from './fanout';
