/** What a price-change preview tells the admin (Admin → Catalog), shared by the action and its form. */
export interface PriceChangePreview {
  itemName: string;
  oldCents: number;
  newCents: number;
  effectiveOn: string;
  /** The earliest day the new price may reach existing holders (30 days after the notice). */
  earliest: string;
  holders: number;
  monthlyRevenueChangeCents: number;
}

export type PriceChangeResult = PriceChangePreview & { saved: boolean };

/** What a rate-change preview tells the admin (Admin → Catalog, pay-per-use rates). */
export interface RateChangePreview {
  /** 'ld_overage' or 'intl'. */
  code: string;
  rateName: string;
  /** Cents per minute. */
  oldCents: number;
  newCents: number;
  effectiveOn: string;
  /** The earliest day the new rate may reach the subscribers who pay it (30 days after the notice). */
  earliest: string;
  /** Subscriptions whose rate per minute changes (each is sent a notice). */
  affected: number;
  /** Of those, how many have a complete period to estimate their usage from. */
  withUsage: number;
  /** How many of their last complete periods are averaged. */
  usagePeriods: number;
  /** At each one's average usage: monthly cost at the new rate minus at the old, summed. */
  monthlyRevenueChangeCents: number;
}

export type RateChangeResult = RateChangePreview & { saved: boolean };
