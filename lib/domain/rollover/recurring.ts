import { getAddOn, getPlan, normalize } from '../catalog';
import { addDays } from '../periods';
import { PLAIN_FORMATS } from '../text';
import type { BillingPeriod, Catalog, Cents, Configuration } from '../types';

export interface RecurringLine {
  itemType: 'plan' | 'addon';
  code: string;
  name: string;
  amountCents: Cents;
  /** "Premium, 2026-12-01 to 2026-12-31": stored text in the neutral style (bills/line-text.ts shows it). */
  description: string;
}

/** The recurring charges of a configuration for one period. */
export function recurringLines(catalog: Catalog, config: Configuration, period: BillingPeriod): RecurringLine[] {
  const span = PLAIN_FORMATS.days(period.start, addDays(period.end, -1));
  const plan = getPlan(catalog, config.planCode);
  const lines: RecurringLine[] = [
    {
      itemType: 'plan',
      code: plan.code,
      name: plan.name,
      amountCents: plan.monthlyCents,
      description: `${plan.name}, ${span}`,
    },
  ];
  for (const code of normalize(config).addOns) {
    const addOn = getAddOn(catalog, code);
    lines.push({
      itemType: 'addon',
      code: addOn.code,
      name: addOn.name,
      amountCents: addOn.monthlyCents,
      description: `${addOn.name}, ${span}`,
    });
  }
  return lines;
}
