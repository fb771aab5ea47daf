/** Calendar days and billing periods. Pure: the day is always passed in. */
export { addDays, assertDay, dayOf, daysBetween, daysInMonth, isDay, startOfDay } from './days';
export { assertBillingDay, daysRemaining, lastDayOf, nextPeriod, periodContaining, periodIncludes } from './billing';
