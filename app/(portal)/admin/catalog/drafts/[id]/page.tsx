import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { orNotFound, requirePageActor } from '@/app/_lib/page';
import { ItemForm, LaunchDraftButton } from '@/app/_components/catalog-forms';
import { allows } from '@/lib/server/policy';
import { getCatalogDraft } from '@/lib/server/catalog-admin';

export const metadata: Metadata = { title: 'Catalog draft' };

export default async function CatalogDraftPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePageActor('catalog.view', `/login?callbackUrl=/admin/catalog/drafts/${id}`);
  if (!/^[1-9][0-9]{0,9}$/.test(id) || Number(id) > 2_147_483_647) notFound();
  const { draft, catalog, launchedAt } = await orNotFound(() => getCatalogDraft(actor, Number(id)));
  const canEdit = allows(actor, 'catalog.edit_draft');
  if (launchedAt) {
    const kind = draft.kind === 'plan' ? 'plan' : 'addon';
    return (
      <>
        <p className="mb-2 text-sm">
          <a href="/admin/catalog">← Catalog</a>
        </p>
        <h1 className="mb-2 text-2xl font-bold">{draft.name}</h1>
        <p role="status" data-testid="draft-launched">
          {draft.name} is launched ({launchedAt.slice(0, 10)}):{' '}
          <a href={`/admin/catalog/items/${kind}-${draft.code}`}>see it in the catalog</a>.
        </p>
      </>
    );
  }
  return (
    <>
      <p className="mb-2 text-sm">
        <a href="/admin/catalog">← Catalog</a>
      </p>
      <h1 className="mb-2 text-2xl font-bold">
        Draft: {draft.name} <span className="font-mono text-base">{draft.code}</span>
      </h1>
      <p className="muted mb-4 text-sm">
        A draft {draft.kind === 'plan' ? 'plan' : 'add-on'}: nobody sees it until it is launched.
        {draft.tmfDraftId ? ` Started from the TMF620 draft ${draft.tmfDraftId}.` : ''}
      </p>
      <section className="mb-4" aria-labelledby="draft-problems">
        <h2 id="draft-problems" className="mb-2 text-lg font-semibold">
          Validation
        </h2>
        {draft.problems.length === 0 ? (
          <p data-testid="draft-valid">Valid: it can be launched.</p>
        ) : (
          <ul className="list-disc pl-5 text-sm" data-testid="draft-problems">
            {draft.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
      </section>
      {canEdit ? (
        <>
          <ItemForm
            mode="draft"
            draftId={draft.id}
            values={draft.definition}
            plans={catalog.plans.map((p) => ({ code: p.code, name: p.name }))}
            addOns={catalog.addOns.map((a) => ({ code: a.code, name: a.name }))}
          />
          <div className="mt-4">
            <LaunchDraftButton draftId={draft.id} name={draft.name} />
          </div>
        </>
      ) : (
        <pre className="card text-xs">{JSON.stringify(draft.definition, null, 2)}</pre>
      )}
    </>
  );
}
