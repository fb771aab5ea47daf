import type { PeriodUsage } from '../types';
import { USAGE_PROFILE_PERIODS } from './rules';
import type { AveragedUsageProfile } from './types';

/**
 * Average of the last USAGE_PROFILE_PERIODS complete periods by periodStart (fewer if
 * there are fewer; none → null). One record per period is expected; if a period appears
 * twice, the later record wins. Averages stay fractional.
 */
export function usageProfile(completePeriods: PeriodUsage[]): AveragedUsageProfile | null {
  const byStart = new Map<string, PeriodUsage>();
  for (const p of completePeriods) byStart.set(p.periodStart, p);
  const last = [...byStart.values()]
    .sort((a, b) => (a.periodStart < b.periodStart ? 1 : a.periodStart > b.periodStart ? -1 : 0))
    .slice(0, USAGE_PROFILE_PERIODS);
  const n = last.length;
  if (n === 0) return null;
  const sum = { ld: 0, intl: 0, unanswered: 0, busy: 0 };
  for (const p of last) {
    sum.ld += p.ldMinutes;
    sum.intl += p.intlMinutes;
    sum.unanswered += p.unansweredCalls;
    sum.busy += p.missedWhileBusy;
  }
  const first = last[0]!;
  const sameEachPeriod = last.every(
    (p) =>
      p.ldMinutes === first.ldMinutes &&
      p.intlMinutes === first.intlMinutes &&
      p.unansweredCalls === first.unansweredCalls &&
      p.missedWhileBusy === first.missedWhileBusy,
  );
  return {
    ldMinutes: sum.ld / n,
    intlMinutes: sum.intl / n,
    unansweredCalls: sum.unanswered / n,
    missedWhileBusy: sum.busy / n,
    periods: n,
    sameEachPeriod,
  };
}
