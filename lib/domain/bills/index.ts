/** Bills (docs/bills.md): usage rating at period close and bill assembly. */
export * from './rating';
export * from './bill';
export * from './last-month';
export * from './line-text';
