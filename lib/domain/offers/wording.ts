/**
 * The words of an offer: title, explanation (the evidence, in figures) and the agent's
 * talking points, rendered from a chosen candidate. A copy edit here never touches a rule.
 *
 * Decision: "last month" when the profile is one period, or several periods with the very
 * same usage (then it is exactly what happened last month); otherwise "a month on average".
 * usageProfile() records that as `sameEachPeriod`; a profile built elsewhere without it is
 * worded "a month on average" when it spans more than one period.
 */
import { configurationLabel } from '../catalog';
import { monthlyCost, type CostBreakdown } from '../pricing';
import { andList, formatCents, formatCount } from '../text';
import type { UsageProfile } from '../types';
import { compareStrings } from './best-value';
import { SIGNAL_WORDS } from './copy';
import { heldDiff } from './kinds';
import { SIGNAL_RULES } from './rules';
import { offerEvidence, type Candidate } from './select';
import type { PreparedCatalog, PreparedConfig } from './space';
import type { AveragedUsageProfile, Offer } from './types';
import type { LastBilledMonth } from '../bills';

class Wording {
  private readonly when: string;
  private readonly currentCost: CostBreakdown;
  /** The current cost as stated: last month's bill when the words say "last month" and there is one (issue 16). */
  private readonly stated: CostBreakdown;

  constructor(
    private readonly prep: PreparedCatalog,
    private readonly cur: PreparedConfig,
    private readonly usage: UsageProfile,
    private readonly currentCostCents: number,
    lastMonth: LastBilledMonth | null,
  ) {
    const same = (usage as Partial<AveragedUsageProfile>).sameEachPeriod === true;
    this.when = usage.periods <= 1 || same ? 'last month' : 'a month on average';
    this.currentCost = monthlyCost(prep.catalog, cur.config, usage);
    this.stated =
      this.when === 'last month' && lastMonth
        ? {
            ...this.currentCost,
            ldOverageMinutes: lastMonth.ldOverage?.minutes ?? 0,
            ldOverageCents: lastMonth.ldOverage?.cents ?? 0,
            // The allowance that left those minutes beyond it (the bill rated them on the configuration held then).
            ldAllowance: lastMonth.ldOverage
              ? usage.ldMinutes - lastMonth.ldOverage.minutes
              : this.currentCost.ldAllowance,
            intlCents: lastMonth.intl?.cents ?? 0,
            totalCents: lastMonth.costCents,
          }
        : { ...this.currentCost, totalCents: currentCostCents };
  }

  private name(code: string): string {
    return this.prep.addOnByCode.get(code)?.name ?? code;
  }

  private names(codes: readonly string[]): string {
    return andList(this.sortCodes(codes).map((c) => this.name(c)));
  }

  private sortCodes(codes: readonly string[]): string[] {
    const order = this.prep.addOnOrder;
    return [...codes].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || compareStrings(a, b));
  }

  private price(codes: readonly string[]): number {
    return codes.reduce((sum, c) => sum + (this.prep.addOnByCode.get(c)?.monthlyCents ?? 0), 0);
  }

  private label(pc: PreparedConfig): string {
    return configurationLabel(this.prep.catalog, { planCode: pc.plan.code, addOns: this.sortCodes(pc.config.addOns) });
  }

  /** "24.00 for 240 long-distance minutes" / "25.00 for 250 long-distance minutes beyond the 400 included". */
  private charges(b: CostBreakdown): string[] {
    const out: string[] = [];
    if (b.ldOverageCents > 0) {
      const beyond = b.ldAllowance ? ` beyond the ${formatCount(b.ldAllowance)} included` : '';
      out.push(
        `${formatCents(b.ldOverageCents)} for ${formatCount(b.ldOverageMinutes)} long-distance minutes${beyond}`,
      );
    }
    if (b.intlCents > 0)
      out.push(`${formatCents(b.intlCents)} for ${formatCount(this.usage.intlMinutes)} international minutes`);
    return out;
  }

  private allowancePhrase(b: CostBreakdown): string {
    if (this.usage.ldMinutes <= 0 || b.ldOverageCents > 0) return '';
    return b.ldAllowance === null
      ? ', with unlimited long distance'
      : `, with ${formatCount(b.ldAllowance)} long-distance minutes included`;
  }

  /**
   * Same plan, only usage add-ons changed and something added: the usage it is about, in
   * the spec's words ("Your 240 long-distance minutes cost 24.00 last month; Long
   * Distance 300 costs 8.00."). Null when another wording fits better.
   */
  private usageSentence(c: Candidate, tgt: CostBreakdown, added: string[], removed: string[]): string | null {
    if (c.pc.plan.code !== this.cur.plan.code || added.length === 0) return null;
    if (![...added, ...removed].every((code) => this.prep.addOnByCode.get(code)?.kind === 'usage')) return null;
    const now = this.stated;
    const ld = this.currentCost.ldOverageCents !== tgt.ldOverageCents && now.ldOverageCents > 0;
    const intl = this.currentCost.intlCents !== tgt.intlCents && now.intlCents > 0;
    if (!ld && !intl) return null;
    const parts: string[] = [];
    if (ld) {
      const beyond = now.ldAllowance ? ` beyond the ${formatCount(now.ldAllowance)} included` : '';
      parts.push(
        `${formatCount(now.ldOverageMinutes)} long-distance minutes${beyond} cost ${formatCents(now.ldOverageCents)}`,
      );
    }
    if (intl)
      parts.push(`${formatCount(this.usage.intlMinutes)} international minutes cost ${formatCents(now.intlCents)}`);
    const plural = added.length > 1;
    let second = `${this.names(added)} ${plural ? 'cost' : 'costs'} ${formatCents(this.price(added))}`;
    if (removed.length > 0) second += ` instead of the ${formatCents(this.price(removed))} for ${this.names(removed)}`;
    const rest: string[] = [];
    if (ld && tgt.ldOverageCents > 0) {
      rest.push(
        `${plural ? 'leave' : 'leaves'} ${formatCount(tgt.ldOverageMinutes)} minutes beyond the ${formatCount(tgt.ldAllowance ?? 0)} included at ${formatCents(tgt.ldOverageCents)}`,
      );
    }
    if (intl && tgt.intlCents > 0) {
      rest.push(
        `${plural ? 'bring' : 'brings'} ${ld ? 'the international minutes' : 'them'} down to ${formatCents(tgt.intlCents)}`,
      );
    }
    if (rest.length > 0) second += ` and ${rest.join(' and ')}`;
    return `Your ${parts.join(' and your ')} ${this.when}; ${second}.`;
  }

  private signalSentence(c: Candidate, ruleIndex: number, alsoClause: boolean): string {
    const rule = SIGNAL_RULES[ruleIndex]!;
    const words = SIGNAL_WORDS[rule.signal];
    const n = formatCount(this.usage[rule.measure]);
    const feature = this.name(rule.feature);
    if (alsoClause) return `It also includes ${feature}: you had ${n} ${words.phrase} ${this.when}.`;
    const held = c.pc.config.addOns.includes(rule.feature);
    const benefit = held
      ? `${feature} ${words.benefit}, for ${formatCents(this.prep.addOnByCode.get(rule.feature)?.monthlyCents ?? 0)} a month`
      : `${c.pc.plan.name} includes ${feature}, which ${words.benefit}`;
    return `You had ${n} ${words.phrase} ${this.when}; ${benefit}.`;
  }

  private title(c: Candidate, added: string[], removed: string[]): string {
    switch (c.kind) {
      case 'cross_sell':
        return removed.length === 0
          ? `Add ${this.names(added)}`
          : `Swap ${this.names(removed)} for ${this.names(added)}`;
      case 'up_sell':
        return `Move to ${c.pc.plan.name}${added.length > 0 ? ` with ${this.names(added)}` : ''}`;
      case 'right_size':
        return c.pc.plan.code === this.cur.plan.code && added.length === 0
          ? `Remove ${this.names(removed)}`
          : `Switch to ${this.label(c.pc)}`;
    }
  }

  offer(c: Candidate): Offer {
    const { added, removed } = heldDiff(this.cur.config, c.pc.config);
    const tgt = monthlyCost(this.prep.catalog, c.pc.config, this.usage);
    const signalIdx = SIGNAL_RULES.map((_, i) => i).filter((i) => (c.signals & (1 << i)) !== 0);

    let explanation: string;
    if (c.savingEvidence) {
      const curCharges = this.charges(this.stated);
      const tgtCharges = this.charges(tgt);
      explanation =
        this.usageSentence(c, tgt, added, removed) ??
        `Your line cost ${formatCents(this.stated.totalCents)} ${this.when}` +
          (curCharges.length > 0 ? `, including ${andList(curCharges)}` : '') +
          `; ${this.label(c.pc)} would cost ${formatCents(c.cost)} for the same use` +
          (tgtCharges.length > 0 ? `, including ${andList(tgtCharges)}` : '') +
          `${this.allowancePhrase(tgt)}.`;
      for (const i of signalIdx) explanation += ` ${this.signalSentence(c, i, true)}`;
    } else {
      // Strongest signal first.
      const order = [c.strongest, ...signalIdx.filter((i) => i !== c.strongest)];
      explanation = order.map((i) => this.signalSentence(c, i, false)).join(' ');
    }

    const curFeatures = new Set(this.cur.features);
    const addsFeatures = c.pc.features.filter((f) => !curFeatures.has(f));
    const priceChange = c.pc.recurringCents - this.cur.recurringCents;

    const points: string[] = [explanation];
    if (c.saving > 0) points.push(`That saves ${formatCents(c.saving)} a month for the same use.`);
    else if (c.saving < 0) points.push(`For the same use, the bill goes up by ${formatCents(-c.saving)} a month.`);
    else points.push('For the same use, the bill stays the same.');
    points.push(
      priceChange === 0
        ? `The monthly price stays at ${formatCents(c.pc.recurringCents)}.`
        : `The monthly price goes from ${formatCents(this.cur.recurringCents)} to ${formatCents(c.pc.recurringCents)} (${priceChange > 0 ? '+' : '-'}${formatCents(Math.abs(priceChange))}).`,
    );
    if (addsFeatures.length > 0) points.push(`Adds ${this.names(addsFeatures)}.`);
    for (const code of this.sortCodes(removed)) {
      points.push(
        c.pc.plan.includes.includes(code)
          ? `${this.name(code)} is included in ${c.pc.plan.name}, so the add-on is removed.`
          : `${this.name(code)} is removed.`,
      );
    }
    if (this.cur.features.length > 0) points.push(`Keeps ${this.names(this.cur.features)}.`);
    if (this.usage.ldMinutes > 0 && c.pc.allowance !== this.cur.allowance) {
      points.push(
        c.pc.allowance === null
          ? 'Long distance is unlimited.'
          : `Includes ${formatCount(c.pc.allowance)} long-distance minutes a month; you use ${formatCount(this.usage.ldMinutes)}.`,
      );
    }
    if (c.pc.plan.code !== this.cur.plan.code && this.cur.plan.status === 'retired') {
      points.push(`${this.cur.plan.name} is no longer offered: once you leave it, you can't switch back.`);
    }
    points.push(
      priceChange < 0
        ? 'The lower price starts with the next billing period.'
        : 'It takes effect right away, prorated for the rest of this billing period.',
    );
    if (c.bestValue) points.push('This is the lowest-cost option for how you use your line.');

    return {
      key: c.key,
      kind: c.kind,
      target: { planCode: c.pc.config.planCode, addOns: [...c.pc.config.addOns] },
      intent: {
        ...(c.pc.plan.code !== this.cur.plan.code ? { plan: c.pc.plan.code } : {}),
        add: added,
        remove: removed,
      },
      title: this.title(c, added, removed),
      explanation,
      evidence: offerEvidence(c, this.usage),
      monthlyPriceChangeCents: priceChange,
      monthlySavingCents: c.saving,
      currentCostCents: this.currentCostCents,
      targetCostCents: c.cost,
      bestValue: c.bestValue,
      addsFeatures,
      removes: removed,
      adds: added,
      talkingPoints: points,
    };
  }
}

/** Each chosen candidate as an offer, in words. */
export function wordOffers(
  prep: PreparedCatalog,
  current: PreparedConfig,
  usage: UsageProfile,
  currentCostCents: number,
  candidates: readonly Candidate[],
  lastMonth: LastBilledMonth | null = null,
): Offer[] {
  const words = new Wording(prep, current, usage, currentCostCents, lastMonth);
  return candidates.map((c) => words.offer(c));
}
