/** The fixed words of offers: the messages when there is nothing to offer, and each signal's phrase. */
import type { Voice } from '../catalog';
import { type Formats, PLAIN_FORMATS } from '../text';
import type { UsageSignal } from './rules';
import type { OfferKind } from './types';
import type { NoOfferReason } from './select';

export const NO_USAGE_MESSAGE =
  "We'll suggest options that fit how you use your line once your first full billing period is complete.";
export const BEST_PLAN_MESSAGE = "You're on the best plan for how you use your line.";
export const NOTHING_NEW_MESSAGE = "Nothing new to suggest right now: you've set aside the options we had for you.";

export function noOfferMessage(why: NoOfferReason, f: Formats = PLAIN_FORMATS): string {
  switch (why.type) {
    case 'scheduled':
      return `Nothing else to suggest before your scheduled change takes effect on ${f.day(why.effectiveDate)}.`;
    case 'nothing_new':
      return NOTHING_NEW_MESSAGE;
    case 'best_plan':
      return BEST_PLAN_MESSAGE;
  }
}

export const SIGNAL_WORDS: Readonly<Record<UsageSignal, { phrase: string; benefit: string }>> = {
  /** "You had 12 unanswered calls last month; … Voicemail lets callers leave a message" */
  unanswered_calls: { phrase: 'unanswered calls', benefit: 'lets callers leave a message' },
  missed_while_busy: {
    phrase: 'calls missed while you were on another call',
    benefit: "lets you take a second call while you're on the phone",
  },
};

/**
 * The badge beside an offer's title. Decision (issue 15): a higher tier that costs less is not
 * called an "Upgrade" (that reads as paying more); it says what the subscriber notices first.
 */
export function kindBadge(kind: OfferKind, monthlyPriceChangeCents: number): string {
  switch (kind) {
    case 'cross_sell':
      return 'Add-on';
    case 'up_sell':
      return monthlyPriceChangeCents > 0 ? 'Upgrade' : 'Better plan, lower price';
    case 'right_size':
      return 'Save money';
  }
}

/**
 * The price change and the saving in one phrase, so that "+15.00" beside "saves 9.00" needs no
 * explaining: "$15.00 more a month in plan price, $9.00 less overall for how you use your line".
 * When the overall change is just the price change (no usage charges move), it is said once.
 * Staff read it of the subscriber: "… less overall for how they use their line".
 */
export function valuePhrase(
  monthlyPriceChangeCents: number,
  monthlySavingCents: number,
  f: Formats = PLAIN_FORMATS,
  voice: Voice = 'subscriber',
): string {
  const p = monthlyPriceChangeCents;
  const overall = -monthlySavingCents;
  const more = (c: number) => (c > 0 ? `${f.money(c)} more` : `${f.money(-c)} less`);
  if (p === overall) return p === 0 ? 'The same price a month' : `${more(p)} a month`;
  const price = p === 0 ? 'The same plan price' : `${more(p)} a month in plan price`;
  const total = overall === 0 ? 'the same overall' : `${more(overall)} overall`;
  return `${price}, ${total} for how ${voice === 'staff' ? 'they use their' : 'you use your'} line`;
}
