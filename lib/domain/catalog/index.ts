/** The catalog: lookups, configurations, the rules of holding add-ons, selectable plans, and their words. */
export { UnknownCodeError, addOnName, findAddOn, findPlan, getAddOn, getPlan, planName } from './lookup';
export {
  allConfigurations,
  configKey,
  effectiveAddOns,
  features,
  isValidConfiguration,
  normalize,
  sameConfiguration,
} from './configurations';
export { addOnStatus, checkAddOn, checkConfiguration, type AddOnStatus, type CatalogProblem } from './rules';
export { isSelectable, planSelectable, selectablePlans } from './selectable';
export {
  addOnProblems,
  addOnStatusReason,
  addOnStatusText,
  configurationLabel,
  configurationProblems,
  problemText,
  problemTexts,
  type Voice,
} from './copy';
export {
  catalogProblems,
  requirementCycles,
  ruleProblemText,
  validateCatalog,
  type CatalogRuleProblem,
} from './validate';
export {
  PRICE_NOTICE_DAYS,
  RATE_FIELDS,
  catalogOfDay,
  earliestHolderDay,
  holderCatalog,
  protectionItemType,
  usageRatingCatalog,
  versionOfDay,
  type CatalogVersion,
  type PriceProtection,
} from './versions';
export { priceChangeImpact, priceChangeProblems, type PriceChangeImpact, type PriceChangeInput } from './price-change';
export { availableAddOnsOf, definitionOf, withItem, type ItemDefinition } from './edit';
