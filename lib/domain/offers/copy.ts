/** The fixed words of offers: the messages when there is nothing to offer, and each signal's phrase. */
import type { UsageSignal } from './rules';
import type { NoOfferReason } from './select';

export const NO_USAGE_MESSAGE =
  "We'll suggest options that fit how you use your line once your first full billing period is complete.";
export const BEST_PLAN_MESSAGE = "You're on the best plan for how you use your line.";
export const NOTHING_NEW_MESSAGE = "Nothing new to suggest right now: you've set aside the options we had for you.";

export function noOfferMessage(why: NoOfferReason): string {
  switch (why.type) {
    case 'scheduled':
      return `Nothing else to suggest before your scheduled change takes effect on ${why.effectiveDate}.`;
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
