import { AppLink } from '@/app/_components/app-link';
import { z } from 'zod';
import { offerKey } from '@/lib/contracts/fields';
import { changeIntentFields, checkIntent, toIntent } from '@/lib/contracts/changes';
import { pageData, resolvePageSubject } from '@/app/_lib/page';
import { changeHref } from '@/app/_lib/urls';
import { previewChange } from '@/lib/server/changes';
import { ChangeFlow } from '../change-flow';
import { ConfirmChange } from '../confirm-change';
import { formatCents, formatDay, formatLine, formats, formatSignedCents } from '../format';

const querySchema = z
  .object({ ...changeIntentFields, offer: offerKey.optional(), now: z.enum(['1']).optional() })
  .superRefine(checkIntent);

type Search = Record<string, string | string[] | undefined>;

const REMOVAL: Record<string, string> = {
  redundant: 'included in the new plan',
  not_offered: 'not offered on the new plan',
  requirement_lost: 'requirement no longer met',
  requested: 'removed as you asked',
};

/** Removal reasons whose sentence only repeats the label ("Plus already includes Call Waiting…"). */
const SAID_BY_LABEL = new Set(['redundant', 'requested']);

export async function ChangePage({
  subscriberParam,
  searchParams,
}: {
  subscriberParam?: string;
  searchParams: Search;
}) {
  const { actor, subscriberId, base, staff } = await resolvePageSubject(subscriberParam);
  const flat = Object.fromEntries(Object.entries(searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = querySchema.safeParse(flat);
  const back = base ? `${base}/plans` : '/plans';
  // Every outcome inside ChangeFlow: after a confirm the page re-renders (say, as "That is
  // already your plan") under the success view, which stays.
  const flow = (node: React.ReactNode) => (
    <ChangeFlow overviewHref={base || '/dashboard'} staff={staff} display={formats().settings}>
      {node}
    </ChangeFlow>
  );
  if (!parsed.success) {
    return flow(
      <Problem
        title="That change can't be previewed"
        message="The link is incomplete or malformed: choose a plan or an add-on again."
        back={back}
      />,
    );
  }
  const q = parsed.data;
  const intent = toIntent(q);
  const applyNow = staff && q.now === '1';
  // A change the rules refuse (invalid) or a power this person lacks (forbidden) is explained; an account that isn't there is the 404 page.
  const r = await pageData(() => previewChange(actor, { subscriberId, intent, applyNow }), ['invalid', 'forbidden']);
  if (!r.ok) return flow(<Problem title="That change can't be made" message={r.problem} back={back} />);
  const preview = r.data;
  const p = preview.plan;
  const scheduled = p.timing === 'end_of_period';
  const selfHref = changeHref(base, intent, {
    ...(q.offer ? { offer: q.offer } : {}),
    ...(applyNow ? { now: '1' } : {}),
  });
  const nowToggleHref = changeHref(base, intent, {
    ...(q.offer ? { offer: q.offer } : {}),
    ...(applyNow ? {} : { now: '1' }),
  });
  const your = staff ? 'the' : 'your';
  return flow(
    <>
      <h1 className="mb-1 text-2xl font-bold">{staff ? 'Review the change' : 'Review your change'}</h1>
      <p className="mb-6 text-lg" data-testid="preview-summary">
        {staff ? p.staffSummary : p.summary}
      </p>
      <div className="grid gap-5 md:grid-cols-2">
        <section aria-labelledby="what-heading" className="card">
          <h2 id="what-heading" className="mb-2 text-lg font-semibold">
            What changes
          </h2>
          <dl className="space-y-2 text-sm">
            <div>
              <dt className="font-medium">Plan</dt>
              <dd data-testid="preview-plan">
                {p.planChanged ? `${p.fromPlan.name} → ${p.toPlan.name}` : `${p.toPlan.name} (unchanged)`}
              </dd>
            </div>
            {p.addedAddOns.length > 0 && (
              <div>
                <dt className="font-medium">Add-ons added</dt>
                <dd data-testid="preview-added">{p.addedAddOns.map((a) => a.name).join(', ')}</dd>
              </div>
            )}
            {p.removedAddOns.length > 0 && (
              <div>
                <dt className="font-medium">Add-ons removed</dt>
                <dd>
                  <ul className="list-disc pl-5" data-testid="preview-removed">
                    {p.removedAddOns.map((a) => (
                      <li key={a.code} data-testid={`removed-${a.code}`} data-reason={a.reason}>
                        {a.name}: {staff && a.reason === 'requested' ? 'removed as asked' : REMOVAL[a.reason]}.
                        {/* The sentence says more than the label only when it names what replaces or was needed. */}
                        {!SAID_BY_LABEL.has(a.reason) && <> {staff ? a.staffExplanation : a.explanation}</>}
                      </li>
                    ))}
                  </ul>
                </dd>
              </div>
            )}
            <div>
              <dt className="font-medium">Features gained</dt>
              <dd data-testid="preview-gained">
                {p.featuresGained.length ? p.featuresGained.map((f) => f.name).join(', ') : 'None'}
              </dd>
            </div>
            <div>
              <dt className="font-medium">Features lost</dt>
              <dd data-testid="preview-lost" className={p.featuresLost.length ? 'font-semibold text-red-800' : ''}>
                {p.featuresLost.length ? p.featuresLost.map((f) => f.name).join(', ') : 'None'}
              </dd>
            </div>
            <div>
              <dt className="font-medium">Takes effect</dt>
              <dd data-testid="preview-effective">
                {scheduled
                  ? `${formatDay(p.effectiveDate)}, at the end of ${your} billing period`
                  : `Today, ${formatDay(p.effectiveDate)}`}
              </dd>
            </div>
          </dl>
          {p.leavesRetiredPlan && (
            <p
              className="mt-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm"
              data-testid="preview-retired-warning"
            >
              {p.fromPlan.name} is a retired plan. Once {staff ? 'the subscriber leaves' : 'you leave'} it{' '}
              {staff ? 'they' : 'you'} can&apos;t switch back to it.
            </p>
          )}
          {p.replacesPending && (
            <p className="mt-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm" data-testid="preview-replaces">
              This replaces the change scheduled for {formatDay(p.replacesPending.effectiveDate)}.
            </p>
          )}
        </section>
        <section aria-labelledby="money-heading" className="card">
          <h2 id="money-heading" className="mb-2 text-lg font-semibold">
            {staff ? 'What they pay' : 'What you pay'}
          </h2>
          <p className="text-sm">
            Monthly: {formatCents(p.currentMonthlyCents)} →{' '}
            <span className="font-semibold" data-testid="preview-new-monthly">
              {formatCents(p.newMonthlyCents)}
            </span>{' '}
            (<span data-testid="preview-monthly-change">{formatSignedCents(p.monthlyChangeCents)}</span>)
          </p>
          {p.prorationLines.length > 0 ? (
            <table className="mt-3 w-full text-sm" data-testid="preview-proration">
              <caption className="text-left font-medium">Prorated for the rest of this period</caption>
              <tbody>
                {p.prorationLines.map((l, i) => (
                  <tr key={i} className="border-t border-slate-100">
                    <td className="py-1 pr-3 [overflow-wrap:anywhere]">{formatLine(l.description)}</td>
                    <td className="py-1 text-right tabular-nums">{formatSignedCents(l.amountCents)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr className="border-t border-slate-300 font-semibold">
                  <th scope="row" className="py-1 text-left">
                    Net on {your} next bill
                  </th>
                  <td className="py-1 text-right tabular-nums" data-testid="preview-proration-total">
                    {formatSignedCents(p.prorationTotalCents)}
                  </td>
                </tr>
              </tfoot>
            </table>
          ) : (
            <p className="mt-3 text-sm">No prorated charges: the change happens at the start of a new period.</p>
          )}
          <p className="mt-3 text-sm">
            Next bill ({formatDay(p.period.end)}):{' '}
            <span className="font-semibold" data-testid="preview-next-bill">
              {formatCents(p.nextBill.totalCents + preview.earlierProrationCents)}
            </span>
            {preview.earlierProrationCents !== 0
              ? ` (includes ${formatSignedCents(preview.earlierProrationCents)} from earlier changes this period)`
              : ''}
          </p>
          <p className="muted mt-3 text-sm" data-testid="preview-undo">
            {staff ? p.staffUndo : p.undo}
          </p>
        </section>
      </div>
      {staff && p.newMonthlyCents < p.currentMonthlyCents && (
        <p className="mt-4 text-sm">
          <AppLink href={nowToggleHref} data-testid="apply-now-toggle">
            {applyNow
              ? 'Schedule it for the end of the period instead'
              : 'Apply now with a prorated credit (agent option)'}
          </AppLink>
        </p>
      )}
      <div className="card mt-5">
        <ConfirmChange
          subscriberId={subscriberId}
          intent={intent}
          basis={preview.basis}
          previewedAt={preview.previewedAt}
          version={preview.version}
          idempotencyKey={preview.idempotencyKey}
          applyNow={applyNow}
          offerKey={q.offer ?? null}
          staff={staff}
          base={base}
          scheduled={scheduled}
          freshPreviewHref={selfHref}
          historyHref={base ? `${base}/history` : '/history'}
        />
        <p className="mt-3 text-sm">
          <AppLink href={back}>Back without changing anything</AppLink>
        </p>
      </div>
    </>,
  );
}

function Problem({ title, message, back }: { title: string; message: string; back: string }) {
  return (
    <>
      <h1 className="mb-3 text-2xl font-bold">{title}</h1>
      <p
        role="alert"
        className="rounded-lg border border-red-300 bg-red-50 p-3 text-red-900"
        data-testid="preview-error"
      >
        {message}
      </p>
      <p className="mt-4">
        <AppLink href={back}>Back to plans</AppLink>
      </p>
    </>
  );
}
