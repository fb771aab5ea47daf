'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { day, hasControlCharacters, int32Id, storableText } from '@/lib/contracts/fields';
import type { ActionState } from '@/lib/contracts/action-state';
import type { PriceChangeResult, RateChangeResult } from '@/lib/contracts/catalog';
import { requireActor } from '@/lib/server/actor';
import { formObject, runAction } from '@/lib/server/action';
import {
  changeCatalogPrice,
  changeCatalogRate,
  createCatalogDraft,
  launchCatalogDraft,
  retireCatalogItem,
  saveCatalogDraft,
  saveCatalogRules,
  type ItemInput,
} from '@/lib/server/catalog-admin';
import { addOnList, bool } from './schemas';

/** Admin → Catalog (issue 20): thin actions, each one use case of lib/server/catalog-admin.ts. */

const kind = z.enum(['plan', 'addon'], { message: 'Choose plan or add-on.' });
const itemCode = z
  .string()
  .trim()
  .min(2, 'At least 2 characters.')
  .max(32, 'At most 32 characters.')
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'Letters, digits and _ only, starting with a letter.');
const name = z
  .string()
  .trim()
  .max(100, 'At most 100 characters.')
  .refine((v) => storableText(v) && !hasControlCharacters(v), 'No control characters.');
/** "5.00", "5", "0.5": a price in the currency, turned into whole cents. */
const price = z
  .string()
  .trim()
  .regex(/^\d{1,6}(\.\d{1,2})?$/, 'A price like 5.00 (0 or more, at most two decimals).')
  .transform((v) => Math.round(Number(v) * 100));
const count = (max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,6}$/, 'A whole number, 0 or more.')
    .transform(Number)
    .pipe(z.number().int().min(0).max(max));
const optionalCount = (max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' ? null : v))
    .pipe(z.union([z.null(), count(max)]));
const signal = z
  .enum(['', 'unanswered_calls', 'missed_while_busy'])
  .optional()
  .transform((v) => (v ? v : null));

const itemFields = z.object({
  name: name.refine((v) => v.length > 0, 'Give it a name.'),
  monthly: price,
  tier: count(99).optional(),
  /** Empty: unlimited. */
  ldMinutes: optionalCount(100_000),
  includes: addOnList,
  availableAddOns: addOnList,
  addOnKind: z.enum(['feature', 'usage']).optional(),
  availableOn: addOnList,
  requires: addOnList,
  excludes: addOnList,
  extraLdMinutes: count(100_000).optional(),
  ldUnlimited: bool,
  intlRate: optionalCount(10_000),
  answersSignal: signal,
});

function itemInput(f: z.infer<typeof itemFields>): ItemInput {
  return {
    name: f.name,
    monthlyCents: f.monthly,
    tier: f.tier,
    ldMinutes: f.ldMinutes,
    includes: f.includes,
    availableAddOns: f.availableAddOns,
    addOnKind: f.addOnKind,
    availableOn: f.availableOn,
    requires: f.requires,
    excludes: f.excludes,
    extraLdMinutes: f.extraLdMinutes,
    ldUnlimited: f.ldUnlimited,
    intlRateCents: f.intlRate,
    answersSignal: f.answersSignal,
  };
}

const createSchema = z.object({
  kind,
  code: itemCode,
  name: name.optional(),
  tmfDraftId: z
    .string()
    .trim()
    .max(100)
    .regex(/^[A-Za-z0-9_-]*$/, 'Not a draft id.')
    .optional()
    .transform((v) => v || undefined),
});

/** Creates a draft plan or add-on (or one from a TMF620 draft). */
export async function createCatalogDraftAction(
  _prev: ActionState<{ draftId: number }>,
  form: FormData,
): Promise<ActionState<{ draftId: number }>> {
  return runAction('createCatalogDraft', createSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await createCatalogDraft(actor, input);
    revalidatePath('/admin/catalog');
    return { message: r.message, data: { draftId: r.id } };
  });
}

const draftSchema = itemFields.extend({ draftId: int32Id });

/** Saves a draft's price and rules. */
export async function saveCatalogDraftAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('saveCatalogDraft', draftSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await saveCatalogDraft(actor, { draftId: input.draftId, item: itemInput(input) });
    revalidatePath('/admin/catalog');
    return { message: r.message };
  });
}

/** Launches a draft into the catalog (a new catalog version). */
export async function launchCatalogDraftAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('launchCatalogDraft', z.object({ draftId: int32Id }), formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await launchCatalogDraft(actor, input.draftId);
    revalidatePath('/admin/catalog');
    return { message: r.message };
  });
}

const rulesSchema = itemFields.extend({ kind, code: itemCode });

/** Changes a launched plan's or add-on's rules (a new catalog version). */
export async function saveCatalogRulesAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('saveCatalogRules', rulesSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await saveCatalogRules(actor, { kind: input.kind, code: input.code, item: itemInput(input) });
    revalidatePath('/admin/catalog');
    return { message: r.message };
  });
}

/** Retires a launched plan or add-on (holders keep it). */
export async function retireCatalogItemAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('retireCatalogItem', z.object({ kind, code: itemCode }), formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await retireCatalogItem(actor, input);
    revalidatePath('/admin/catalog');
    return { message: r.message };
  });
}

const priceSchema = z.object({ kind, code: itemCode, newPrice: price, effectiveOn: day, confirm: bool });

/** Previews a price change (holders, monthly revenue change); with confirm, saves it and sends the notices. */
export async function changeCatalogPriceAction(
  _prev: ActionState<PriceChangeResult>,
  form: FormData,
): Promise<ActionState<PriceChangeResult>> {
  return runAction('changeCatalogPrice', priceSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await changeCatalogPrice(actor, {
      kind: input.kind,
      code: input.code,
      newCents: input.newPrice,
      effectiveOn: input.effectiveOn,
      confirm: input.confirm,
    });
    if (r.saved) revalidatePath('/admin/catalog');
    return { message: r.message, data: { ...r.preview, saved: r.saved } };
  });
}

/** A rate in cents per minute: a whole number, 0 or more. */
const centsPerMinute = z
  .string()
  .trim()
  .regex(/^\d{1,5}$/, 'A whole number of cents per minute, 0 or more (e.g. 12).')
  .transform(Number)
  .pipe(z.number().int().min(0).max(99_999));
const rateSchema = z.object({
  code: z.enum(['ld_overage', 'intl'], { message: 'Choose a pay-per-use rate.' }),
  newCents: centsPerMinute,
  effectiveOn: day,
  confirm: bool,
});

/** Previews a pay-per-use rate change (subscribers affected, monthly revenue change); with confirm, saves it and sends the notices. */
export async function changeCatalogRateAction(
  _prev: ActionState<RateChangeResult>,
  form: FormData,
): Promise<ActionState<RateChangeResult>> {
  return runAction('changeCatalogRate', rateSchema, formObject(form), async (input) => {
    const actor = await requireActor();
    const r = await changeCatalogRate(actor, input);
    if (r.saved) revalidatePath('/admin/catalog');
    return { message: r.message, data: { ...r.preview, saved: r.saved } };
  });
}
