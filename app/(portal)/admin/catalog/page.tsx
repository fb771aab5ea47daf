import type { Metadata } from 'next';
import { requirePageActor } from '@/app/_lib/page';
import { NewDraftForm, RateChangeForm } from '@/app/_components/catalog-forms';
import { formatCents, formatDay } from '@/app/_components/format';
import { earliestHolderDay } from '@/lib/domain/catalog';
import { RATE_CODES, RATE_NAMES, catalogRate } from '@/lib/domain/pricing';
import { getAdminCatalog } from '@/lib/server/catalog-admin';

export const metadata: Metadata = { title: 'Catalog' };

/** Admin → Catalog (issue 20): admins manage plans and add-ons; agents read them. */
export default async function CatalogPage() {
  const actor = await requirePageActor('catalog.view', '/login?callbackUrl=/admin/catalog');
  const v = await getAdminCatalog(actor);
  const addOnName = (code: string) => v.catalog.addOns.find((a) => a.code === code)?.name ?? code;
  const planName = (code: string) => v.catalog.plans.find((p) => p.code === code)?.name ?? code;
  const rateName = (code: string) => (code === 'ld_overage' || code === 'intl' ? RATE_NAMES[code] : code);
  const list = (codes: string[], name: (c: string) => string) => (codes.length ? codes.map(name).join(', ') : '—');
  const latest = v.versions[0];
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Catalog</h1>
      <p className="muted mb-4 text-sm" data-testid="catalog-version">
        {latest
          ? `Catalog version ${latest.id}, in force from ${latest.effectiveOn}: ${latest.reason}.`
          : 'No catalog version yet.'}
        {v.canEdit ? '' : ' You can read the catalog; only an admin can change it.'}
      </p>

      <h2 className="mb-2 text-lg font-semibold">Plans</h2>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="catalog-plans">
          <thead>
            <tr className="text-left">
              <th>Plan</th>
              <th>Monthly</th>
              <th>Tier</th>
              <th>Minutes</th>
              <th>Includes</th>
              <th>Status</th>
              <th>Subscribers</th>
            </tr>
          </thead>
          <tbody>
            {v.catalog.plans.map((p) => (
              <tr key={p.code} data-testid="catalog-plan" data-code={p.code} data-status={p.status}>
                <td>
                  <a href={`/admin/catalog/items/plan-${p.code}`}>{p.name}</a>{' '}
                  <span className="font-mono">{p.code}</span>
                </td>
                <td>{formatCents(p.monthlyCents)}</td>
                <td>{p.tier}</td>
                <td>{p.ldMinutes === null ? 'unlimited' : p.ldMinutes}</td>
                <td>{list(p.includes, addOnName)}</td>
                <td>{p.status}</td>
                <td>{v.holders[`plan:${p.code}`] ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 className="mt-6 mb-2 text-lg font-semibold">Add-ons</h2>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="catalog-add-ons">
          <thead>
            <tr className="text-left">
              <th>Add-on</th>
              <th>Monthly</th>
              <th>Kind</th>
              <th>Available on</th>
              <th>Requires</th>
              <th>Can't be held with</th>
              <th>Status</th>
              <th>Holders</th>
            </tr>
          </thead>
          <tbody>
            {v.catalog.addOns.map((a) => (
              <tr key={a.code} data-testid="catalog-add-on" data-code={a.code} data-status={a.status ?? 'active'}>
                <td>
                  <a href={`/admin/catalog/items/addon-${a.code}`}>{a.name}</a>{' '}
                  <span className="font-mono">{a.code}</span>
                </td>
                <td>{formatCents(a.monthlyCents)}</td>
                <td>{a.kind}</td>
                <td>{list(a.availableOn, planName)}</td>
                <td>{list(a.requires, addOnName)}</td>
                <td>{list(a.excludes, addOnName)}</td>
                <td>{a.status ?? 'active'}</td>
                <td>{v.holders[`addon:${a.code}`] ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 className="mt-6 mb-2 text-lg font-semibold">Pay-per-use rates</h2>
      <p className="muted mb-2 text-sm">
        A new rate reaches new subscribers at once, and those who pay it now from the day chosen, at least 30 days after
        their notice.
      </p>
      <ul className="space-y-3" data-testid="catalog-rates">
        {RATE_CODES.map((code) => (
          <li key={code} className="card space-y-2" data-testid="catalog-rate" data-code={code}>
            <p className="text-sm">
              <span className="font-semibold">{RATE_NAMES[code]}</span>:{' '}
              <span data-testid={`catalog-rate-${code}`}>{formatCents(catalogRate(v.catalog, code))}</span> a minute
              {code === 'intl' ? ' (an add-on may grant its own lower rate)' : ''}
            </p>
            {v.canEdit && (
              <RateChangeForm
                code={code}
                name={RATE_NAMES[code]}
                currentCents={catalogRate(v.catalog, code)}
                currentRate={formatCents(catalogRate(v.catalog, code))}
                earliest={earliestHolderDay(v.today)}
                earliestLabel={formatDay(earliestHolderDay(v.today))}
              />
            )}
          </li>
        ))}
      </ul>

      <h2 className="mt-6 mb-2 text-lg font-semibold">Drafts</h2>
      {v.drafts.length === 0 ? (
        <p className="muted text-sm" data-testid="catalog-drafts-none">
          No drafts.
        </p>
      ) : (
        <ul className="space-y-2" data-testid="catalog-drafts">
          {v.drafts.map((d) => (
            <li key={d.id} className="card" data-testid="catalog-draft" data-code={d.code}>
              <a href={`/admin/catalog/drafts/${d.id}`}>{d.name}</a> <span className="font-mono">{d.code}</span> (
              {d.kind === 'plan' ? 'plan' : 'add-on'}, {formatCents(d.monthlyCents)} a month) —{' '}
              {d.problems.length === 0 ? 'ready to launch' : `${d.problems.length} problem(s) to fix before launch`}
            </li>
          ))}
        </ul>
      )}
      {v.canEdit && (
        <div className="mt-3">
          <h3 className="mb-2 font-semibold">New draft</h3>
          <NewDraftForm />
        </div>
      )}

      <h2 className="mt-6 mb-2 text-lg font-semibold">Drafts made through the TMF620 API</h2>
      {v.tmfDrafts.length === 0 ? (
        <p className="muted text-sm">None.</p>
      ) : (
        <ul className="space-y-2" data-testid="catalog-tmf-drafts">
          {v.tmfDrafts.map((d) => (
            <li key={d.id} className="card space-y-2" data-testid="catalog-tmf-draft">
              <p>
                <span className="font-semibold">{d.name}</span> <span className="font-mono text-xs">{d.id}</span>
                {d.description ? ` — ${d.description}` : ''}
              </p>
              {v.canEdit && <NewDraftForm tmfDraftId={d.id} defaultName={d.name} />}
            </li>
          ))}
        </ul>
      )}

      <h2 className="mt-6 mb-2 text-lg font-semibold">Price changes</h2>
      {v.priceChanges.length === 0 ? (
        <p className="muted text-sm">None.</p>
      ) : (
        <ul className="space-y-1 text-sm" data-testid="catalog-price-changes">
          {v.priceChanges.map((c) =>
            c.itemType === 'rate' ? (
              <li key={c.id} data-testid="catalog-rate-change" data-code={c.itemCode}>
                {rateName(c.itemCode)}: {formatCents(c.oldCents)} → {formatCents(c.newCents)} a minute, announced{' '}
                {formatDay(c.noticeOn)} to {c.notices} subscriber(s), for them from {formatDay(c.effectiveOn)} (version{' '}
                {c.catalogVersion})
              </li>
            ) : (
              <li key={c.id}>
                {c.itemType === 'plan' ? planName(c.itemCode) : addOnName(c.itemCode)}: {formatCents(c.oldCents)} →{' '}
                {formatCents(c.newCents)}, announced {formatDay(c.noticeOn)} to {c.notices} holder(s), for them from{' '}
                {formatDay(c.effectiveOn)} (version {c.catalogVersion})
              </li>
            ),
          )}
        </ul>
      )}

      <h2 className="mt-6 mb-2 text-lg font-semibold">Versions</h2>
      <ul className="space-y-1 text-sm" data-testid="catalog-versions">
        {v.versions.map((x) => (
          <li key={x.id}>
            Version {x.id}, in force from {formatDay(x.effectiveOn)}: {x.reason}
          </li>
        ))}
      </ul>
    </>
  );
}
