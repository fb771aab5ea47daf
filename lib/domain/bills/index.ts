/** Bills (spec section 7): usage rating at period close and bill assembly. */
export * from './rating';
export * from './bill';
