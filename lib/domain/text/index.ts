/**
 * Wording helpers shared by every copy module: list joiners, money and counts. Plain string
 * functions with no business rule in them.
 */
export { andList, capitalize, orList } from './lists';
export { formatCents, formatCount, formatSignedCents } from './numbers';
