import { findAddOn, getPlan } from './lookup';
import { checkConfiguration } from './rules';
import type { Catalog, Configuration } from '../types';

/** Canonical form: unique, sorted add-on codes. */
export function normalize(config: Configuration): Configuration {
  return { planCode: config.planCode, addOns: [...new Set(config.addOns)].sort() };
}

/** A stable string key for a configuration, e.g. "PLUS+ld_300+voicemail". */
export function configKey(config: Configuration): string {
  const n = normalize(config);
  return [n.planCode, ...n.addOns].join('+');
}

export function sameConfiguration(a: Configuration, b: Configuration): boolean {
  return configKey(a) === configKey(b);
}

/** Add-on codes the configuration has: held plus included by its plan. */
export function effectiveAddOns(catalog: Catalog, config: Configuration): string[] {
  const plan = getPlan(catalog, config.planCode);
  return [...new Set([...plan.includes, ...config.addOns])].sort();
}

/** Feature capabilities of a configuration: feature add-ons held or included. */
export function features(catalog: Catalog, config: Configuration): string[] {
  return effectiveAddOns(catalog, config).filter((code) => findAddOn(catalog, code)?.kind === 'feature');
}

export function isValidConfiguration(catalog: Catalog, config: Configuration): boolean {
  return checkConfiguration(catalog, config).length === 0;
}

/** Every valid configuration of the catalog on the given plans (the space is small). */
export function allConfigurations(catalog: Catalog, planCodes: string[]): Configuration[] {
  const out: Configuration[] = [];
  for (const planCode of planCodes) {
    const plan = getPlan(catalog, planCode);
    const candidates = catalog.addOns
      .filter((a) => a.availableOn.includes(plan.code) && !plan.includes.includes(a.code))
      .map((a) => a.code)
      .sort();
    const n = candidates.length;
    for (let mask = 0; mask < 1 << n; mask++) {
      const addOns: string[] = [];
      for (let i = 0; i < n; i++) if (mask & (1 << i)) addOns.push(candidates[i]!);
      const config = { planCode, addOns };
      if (isValidConfiguration(catalog, config)) out.push(config);
    }
  }
  return out;
}
