'use client';
import { useActionState, useState } from 'react';
import {
  changeCatalogPriceAction,
  changeCatalogRateAction,
  createCatalogDraftAction,
  launchCatalogDraftAction,
  retireCatalogItemAction,
  saveCatalogDraftAction,
  saveCatalogRulesAction,
} from '@/app/_actions/catalog';
import { idle, type ActionState } from '@/lib/contracts/action-state';
import type { PriceChangeResult, RateChangeResult } from '@/lib/contracts/catalog';
import type { AddOn, CodeName, Plan } from '@/lib/domain/types';
import { StatusMessage } from './status-message';

/** Admin → Catalog forms (issue 20). Each posts to one action of app/_actions/catalog.ts. */

const euros = (cents: number) => (cents / 100).toFixed(2);

export function NewDraftForm({ tmfDraftId, defaultName }: { tmfDraftId?: string; defaultName?: string }) {
  const [state, action, pending] = useActionState<ActionState<{ draftId: number }>, FormData>(
    createCatalogDraftAction,
    idle,
  );
  const id = tmfDraftId ? `-${tmfDraftId}` : '';
  return (
    <div className="space-y-2">
      <form action={action} className="flex flex-wrap items-end gap-3" data-testid="new-draft-form">
        {tmfDraftId && <input type="hidden" name="tmfDraftId" value={tmfDraftId} />}
        <div>
          <label htmlFor={`draft-kind${id}`} className="label">
            Kind
          </label>
          <select id={`draft-kind${id}`} name="kind" className="field" defaultValue="addon">
            <option value="addon">Add-on</option>
            <option value="plan">Plan</option>
          </select>
        </div>
        <div>
          <label htmlFor={`draft-code${id}`} className="label">
            Code
          </label>
          <input
            id={`draft-code${id}`}
            name="code"
            required
            maxLength={32}
            className="field font-mono"
            placeholder="fax_line"
          />
        </div>
        <div>
          <label htmlFor={`draft-name${id}`} className="label">
            Name
          </label>
          <input
            id={`draft-name${id}`}
            name="name"
            maxLength={100}
            className="field"
            defaultValue={defaultName}
            required={!tmfDraftId}
          />
        </div>
        <button type="submit" className="btn-primary" disabled={pending}>
          {tmfDraftId ? 'Start a draft from it' : 'Create draft'}
        </button>
      </form>
      <StatusMessage state={state} />
      {state.status === 'success' && state.data && (
        <a href={`/admin/catalog/drafts/${state.data.draftId}`} data-testid="open-new-draft">
          Open the draft
        </a>
      )}
    </div>
  );
}

function Checks({
  legend,
  name,
  options,
  checked,
}: {
  legend: string;
  name: string;
  options: CodeName[];
  checked: string[];
}) {
  return (
    <fieldset>
      <legend className="label">{legend}</legend>
      {options.length === 0 ? (
        <p className="muted text-sm">None in the catalog.</p>
      ) : (
        <div className="grid gap-1 sm:grid-cols-3">
          {options.map((o) => (
            <label key={o.code} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name={name} value={o.code} defaultChecked={checked.includes(o.code)} />
              {o.name}
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

export type ItemFormValues = { kind: 'plan'; plan: Plan; availableAddOns: string[] } | { kind: 'addon'; addOn: AddOn };

/** The price and rules of a plan or add-on: a draft's (saved as the draft) or a launched item's (a new version). */
export function ItemForm({
  mode,
  values,
  draftId,
  plans,
  addOns,
}: {
  mode: 'draft' | 'rules';
  values: ItemFormValues;
  draftId?: number;
  plans: CodeName[];
  addOns: CodeName[];
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(
    mode === 'draft' ? saveCatalogDraftAction : saveCatalogRulesAction,
    idle,
  );
  const item = values.kind === 'plan' ? values.plan : values.addOn;
  const others = addOns.filter((a) => a.code !== item.code);
  return (
    <div className="space-y-3">
      <form action={action} className="card space-y-3" data-testid="item-form">
        {mode === 'draft' ? (
          <input type="hidden" name="draftId" value={draftId} />
        ) : (
          <>
            <input type="hidden" name="kind" value={values.kind} />
            <input type="hidden" name="code" value={item.code} />
          </>
        )}
        <div className="flex flex-wrap gap-3">
          <div>
            <label htmlFor="item-name" className="label">
              Name
            </label>
            <input id="item-name" name="name" required maxLength={100} className="field" defaultValue={item.name} />
          </div>
          <div>
            <label htmlFor="item-monthly" className="label">
              Monthly price
            </label>
            <input
              id="item-monthly"
              name="monthly"
              required
              inputMode="decimal"
              className="field w-28"
              defaultValue={euros(item.monthlyCents)}
              readOnly={mode === 'rules'}
              aria-describedby={mode === 'rules' ? 'item-monthly-help' : undefined}
            />
            {mode === 'rules' && (
              <p id="item-monthly-help" className="muted text-xs">
                Change it below, with notice to holders.
              </p>
            )}
          </div>
          {values.kind === 'plan' ? (
            <>
              <div>
                <label htmlFor="item-tier" className="label">
                  Tier
                </label>
                <input
                  id="item-tier"
                  name="tier"
                  required
                  inputMode="numeric"
                  className="field w-20"
                  defaultValue={String(values.plan.tier)}
                />
              </div>
              <div>
                <label htmlFor="item-ld" className="label">
                  Long-distance minutes included (empty: unlimited)
                </label>
                <input
                  id="item-ld"
                  name="ldMinutes"
                  inputMode="numeric"
                  className="field w-28"
                  defaultValue={values.plan.ldMinutes === null ? '' : String(values.plan.ldMinutes)}
                />
              </div>
            </>
          ) : (
            <>
              <div>
                <label htmlFor="item-kind" className="label">
                  Kind
                </label>
                <select id="item-kind" name="addOnKind" className="field" defaultValue={values.addOn.kind}>
                  <option value="feature">Feature</option>
                  <option value="usage">Usage</option>
                </select>
              </div>
              <div>
                <label htmlFor="item-extra-ld" className="label">
                  Extra long-distance minutes
                </label>
                <input
                  id="item-extra-ld"
                  name="extraLdMinutes"
                  inputMode="numeric"
                  className="field w-28"
                  defaultValue={String(values.addOn.ldMinutes)}
                />
              </div>
              <div>
                <label htmlFor="item-intl" className="label">
                  International rate, cents a minute (empty: none)
                </label>
                <input
                  id="item-intl"
                  name="intlRate"
                  inputMode="numeric"
                  className="field w-28"
                  defaultValue={values.addOn.intlRateCents === null ? '' : String(values.addOn.intlRateCents)}
                />
              </div>
              <label className="flex items-center gap-2 self-end text-sm">
                <input type="checkbox" name="ldUnlimited" defaultChecked={values.addOn.ldUnlimited} />
                Unlimited long distance
              </label>
              <div>
                <label htmlFor="item-signal" className="label">
                  Offered for
                </label>
                <select
                  id="item-signal"
                  name="answersSignal"
                  className="field"
                  defaultValue={values.addOn.answersSignal ?? ''}
                >
                  <option value="">No usage signal</option>
                  <option value="unanswered_calls">Unanswered calls</option>
                  <option value="missed_while_busy">Calls missed while busy</option>
                </select>
              </div>
            </>
          )}
        </div>
        {values.kind === 'plan' ? (
          <>
            <Checks legend="Includes" name="includes" options={addOns} checked={values.plan.includes} />
            <Checks
              legend="Add-ons available on it"
              name="availableAddOns"
              options={addOns}
              checked={values.availableAddOns}
            />
          </>
        ) : (
          <>
            <Checks legend="Available on" name="availableOn" options={plans} checked={values.addOn.availableOn} />
            <Checks legend="Requires" name="requires" options={others} checked={values.addOn.requires} />
            <Checks
              legend="Can't be held with (both ways)"
              name="excludes"
              options={others}
              checked={values.addOn.excludes}
            />
          </>
        )}
        <button type="submit" className="btn-primary" disabled={pending}>
          {mode === 'draft' ? 'Save draft' : 'Save rules (new catalog version)'}
        </button>
      </form>
      <StatusMessage state={state} />
    </div>
  );
}

export function LaunchDraftButton({ draftId, name }: { draftId: number; name: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(launchCatalogDraftAction, idle);
  return (
    <div className="space-y-2">
      <form action={action}>
        <input type="hidden" name="draftId" value={draftId} />
        <button type="submit" className="btn-primary" disabled={pending || state.status === 'success'}>
          Launch {name}
        </button>
      </form>
      <StatusMessage state={state} />
      {state.status === 'success' && <a href="/admin/catalog">Back to the catalog</a>}
    </div>
  );
}

export function RetireButton({ kind, code, name }: { kind: 'plan' | 'addon'; code: string; name: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(retireCatalogItemAction, idle);
  return (
    <div className="space-y-2">
      <form action={action}>
        <input type="hidden" name="kind" value={kind} />
        <input type="hidden" name="code" value={code} />
        <button type="submit" className="btn-danger" disabled={pending || state.status === 'success'}>
          Retire {name}
        </button>
      </form>
      <StatusMessage state={state} />
    </div>
  );
}

/** A price change: first its preview (holders, revenue change), then the confirm that saves it. */
export function PriceChangeForm({
  kind,
  code,
  currentCents,
  currentPrice,
  earliest,
}: {
  kind: 'plan' | 'addon';
  code: string;
  currentCents: number;
  /** The current price as the portal writes money (formatted on the server: a client has no settings). */
  currentPrice: string;
  earliest: string;
}) {
  const [state, action, pending] = useActionState<ActionState<PriceChangeResult>, FormData>(
    changeCatalogPriceAction,
    idle,
  );
  const preview = state.status === 'success' && state.data && !state.data.saved ? state.data : null;
  return (
    <div className="space-y-3">
      <form action={action} className="card flex flex-wrap items-end gap-3" data-testid="price-form">
        <input type="hidden" name="kind" value={kind} />
        <input type="hidden" name="code" value={code} />
        <div>
          <label htmlFor="new-price" className="label">
            New monthly price (now {currentPrice})
          </label>
          <input
            id="new-price"
            name="newPrice"
            required
            inputMode="decimal"
            className="field w-28"
            defaultValue={euros(currentCents)}
          />
        </div>
        <div>
          <label htmlFor="price-effective" className="label">
            For existing holders from (at the earliest {earliest})
          </label>
          <input
            id="price-effective"
            name="effectiveOn"
            type="date"
            required
            className="field"
            defaultValue={earliest}
          />
        </div>
        {preview && <input type="hidden" name="confirm" value="on" />}
        <button type="submit" className={preview ? 'btn-primary' : 'btn-secondary'} disabled={pending}>
          {preview ? 'Confirm the price change and send the notices' : 'Preview the price change'}
        </button>
      </form>
      <StatusMessage state={state} testId="price-message" />
    </div>
  );
}

/**
 * A pay-per-use rate change: first its preview (subscribers affected, monthly revenue change at
 * their usage), then the confirm that saves it. The confirm is offered only for the figures
 * previewed: changing a field asks for a new preview.
 */
export function RateChangeForm({
  code,
  name,
  currentCents,
  currentRate,
  earliest,
  earliestLabel,
}: {
  code: 'ld_overage' | 'intl';
  name: string;
  currentCents: number;
  /** The current rate as the portal writes money (formatted on the server). */
  currentRate: string;
  /** The earliest day allowed, for the date field; `earliestLabel`: as the portal writes days. */
  earliest: string;
  earliestLabel: string;
}) {
  const [state, action, pending] = useActionState<ActionState<RateChangeResult>, FormData>(
    changeCatalogRateAction,
    idle,
  );
  const [cents, setCents] = useState(String(currentCents));
  const [effectiveOn, setEffectiveOn] = useState(earliest);
  const shown = state.status === 'success' && state.data && !state.data.saved ? state.data : null;
  const preview =
    shown && String(shown.newCents) === cents.trim() && shown.effectiveOn === effectiveOn.trim() ? shown : null;
  return (
    <div className="space-y-2">
      <form action={action} className="flex flex-wrap items-end gap-3" data-testid={`rate-form-${code}`}>
        <input type="hidden" name="code" value={code} />
        <div>
          <label htmlFor={`rate-new-${code}`} className="label">
            New rate for {name.toLowerCase()}, in cents a minute (now {currentRate})
          </label>
          <input
            id={`rate-new-${code}`}
            name="newCents"
            required
            inputMode="numeric"
            className="field w-28"
            value={cents}
            onChange={(e) => setCents(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={`rate-effective-${code}`} className="label">
            For those who pay it now, from (at the earliest {earliestLabel})
          </label>
          <input
            id={`rate-effective-${code}`}
            name="effectiveOn"
            type="date"
            required
            className="field"
            value={effectiveOn}
            onChange={(e) => setEffectiveOn(e.target.value)}
          />
        </div>
        {preview && <input type="hidden" name="confirm" value="on" />}
        <button type="submit" className={preview ? 'btn-primary' : 'btn-secondary'} disabled={pending}>
          {preview ? 'Confirm the rate change and send the notices' : 'Preview the rate change'}
        </button>
      </form>
      <StatusMessage state={state} testId={`rate-message-${code}`} />
    </div>
  );
}
