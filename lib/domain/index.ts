/** The domain layer's public API: pure TypeScript, no I/O. */
export * from './types';
export * from './catalog';
export * from './pricing';
export * from './periods';
export * from './proration';
export * from './changes';
export * from './rollover';
export * from './offers';
