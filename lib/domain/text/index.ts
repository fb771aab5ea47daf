/**
 * Wording helpers shared by every copy module: list joiners, money and counts. Plain string
 * functions with no business rule in them; and the rule that free text people type must
 * contain something visible (visible.ts).
 */
export { andList, capitalize, orList } from './lists';
export { formatCents, formatCount, formatSignedCents } from './numbers';
export { hasVisibleText } from './visible';
export {
  createFormats,
  DEFAULT_DISPLAY,
  defaultFormats,
  type DisplaySettings,
  displaySettingsProblem,
  type Formats,
  MEMO_LIMIT,
  PLAIN_FORMATS,
} from './format';
