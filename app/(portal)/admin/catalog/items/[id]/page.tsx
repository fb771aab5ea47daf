import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requirePageActor } from '@/app/_lib/page';
import { ItemForm, PriceChangeForm, RetireButton } from '@/app/_components/catalog-forms';
import { formatCents } from '@/app/_components/format';
import { allows } from '@/lib/server/policy';
import { getAdminCatalog } from '@/lib/server/catalog-admin';
import { definitionOf, earliestHolderDay } from '@/lib/domain/catalog';

export const metadata: Metadata = { title: 'Catalog item' };

/** One launched or retired plan or add-on: its rules (admins edit them), its price, retirement. */
export default async function CatalogItemPage({ params }: { params: Promise<{ id: string }> }) {
  // "addon-voicemail", "plan-PREMIUM": the kind, then the code (codes have no "-").
  const { id } = await params;
  const actor = await requirePageActor('catalog.view', '/login?callbackUrl=/admin/catalog');
  const m = /^(plan|addon)-([A-Za-z0-9_]{1,40})$/.exec(id);
  if (!m) notFound();
  const kind = m[1] as 'plan' | 'addon';
  const code = m[2]!;
  const v = await getAdminCatalog(actor);
  const def = definitionOf(v.catalog, kind, code);
  if (!def) notFound();
  const item = def.kind === 'plan' ? def.plan : def.addOn;
  const status = item.status ?? 'active';
  const holders = v.holders[`${kind}:${code}`] ?? 0;
  const canEdit = allows(actor, 'catalog.edit_rules');
  return (
    <>
      <p className="mb-2 text-sm">
        <a href="/admin/catalog">← Catalog</a>
      </p>
      <h1 className="mb-2 text-2xl font-bold">
        {item.name} <span className="font-mono text-base">{item.code}</span>
      </h1>
      <p className="mb-4" data-testid="item-status" data-status={status}>
        {kind === 'plan' ? 'Plan' : 'Add-on'}, {formatCents(item.monthlyCents)} a month, {status}; {holders}{' '}
        {kind === 'plan' ? 'subscriber(s)' : 'holder(s)'}.
        {status === 'retired' ? ' Its holders keep it; nobody else can choose it.' : ''}
      </p>
      {canEdit ? (
        <div className="space-y-6">
          <section aria-labelledby="rules">
            <h2 id="rules" className="mb-2 text-lg font-semibold">
              Rules
            </h2>
            <ItemForm
              mode="rules"
              values={def}
              plans={v.catalog.plans.map((p) => ({ code: p.code, name: p.name }))}
              addOns={v.catalog.addOns.map((a) => ({ code: a.code, name: a.name }))}
            />
          </section>
          <section aria-labelledby="price">
            <h2 id="price" className="mb-2 text-lg font-semibold">
              Change the price
            </h2>
            <p className="muted mb-2 text-sm">
              New subscribers pay the new price at once. Each existing holder is sent a notice now and keeps the old
              price until the day you choose, at least 30 days from today.
            </p>
            <PriceChangeForm
              kind={kind}
              code={code}
              currentCents={item.monthlyCents}
              currentPrice={formatCents(item.monthlyCents)}
              earliest={earliestHolderDay(v.today)}
            />
          </section>
          {status === 'active' && (
            <section aria-labelledby="retire">
              <h2 id="retire" className="mb-2 text-lg font-semibold">
                Retire
              </h2>
              <RetireButton kind={kind} code={code} name={item.name} />
            </section>
          )}
        </div>
      ) : (
        <pre className="card text-xs">{JSON.stringify(def, null, 2)}</pre>
      )}
    </>
  );
}
