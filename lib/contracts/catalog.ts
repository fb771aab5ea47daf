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
