import type { Metadata } from 'next';
import { AppLink } from '@/app/_components/app-link';
import { RetryDeliveryButton } from '@/app/_components/delivery-forms';
import { requirePageActor } from '@/app/_lib/page';
import { DELIVERY_STATUSES, listDeliveries } from '@/lib/server/deliveries';

export const metadata: Metadata = { title: 'Deliveries' };

const LABEL: Record<(typeof DELIVERY_STATUSES)[number], string> = {
  dead: 'Dead (gave up)',
  pending: 'Waiting or retrying',
  sending: 'Being sent',
  delivered: 'Delivered',
};

export default async function DeliveriesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('view_deliveries', '/login?callbackUrl=/admin/deliveries');
  const q = await searchParams;
  const page = await listDeliveries(actor, { status: Array.isArray(q.status) ? q.status[0] : q.status });
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Deliveries</h1>
      <p className="muted mb-4 text-sm">
        Every change, scheduled change, cancellation and bill is told to the subscriber by email and to registered
        listeners by webhook. A delivery that fails is retried with growing pauses; one that keeps failing is held here
        as dead until you retry it.
      </p>
      <nav aria-label="Delivery status" className="mb-4 flex flex-wrap gap-3 text-sm">
        {DELIVERY_STATUSES.map((st) => (
          <AppLink
            key={st}
            href={`/admin/deliveries?status=${st}`}
            aria-current={st === page.status ? 'page' : undefined}
            className={st === page.status ? 'font-bold' : ''}
            data-testid={`deliveries-tab-${st}`}
          >
            {LABEL[st]}: <span data-testid={`deliveries-count-${st}`}>{page.counts[st]}</span>
          </AppLink>
        ))}
      </nav>
      {page.rows.length === 0 ? (
        <p data-testid="deliveries-none">No deliveries in this state.</p>
      ) : (
        <div className="overflow-x-auto" data-scrolls>
          <table className="w-full text-left text-sm" data-testid="deliveries">
            <caption className="sr-only">{LABEL[page.status]} deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Event</th>
                <th scope="col">To</th>
                <th scope="col">Attempts</th>
                <th scope="col">
                  {page.status === 'delivered'
                    ? 'Delivered'
                    : page.status === 'pending'
                      ? 'Next attempt'
                      : 'Last error'}
                </th>
                {page.status === 'dead' && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {page.rows.map((r) => (
                <tr
                  key={r.id}
                  data-testid="delivery"
                  data-delivery-id={r.id}
                  data-status={r.status}
                  className="border-t border-slate-200 align-top"
                >
                  <td>{r.id}</td>
                  <td>
                    {r.eventType}
                    <br />
                    <code className="text-xs">{r.eventKey}</code>
                  </td>
                  <td>
                    {r.channel === 'email' ? 'Email' : 'Webhook'}: {r.recipient}
                  </td>
                  <td>{r.attempts}</td>
                  <td className="max-w-xs break-words">
                    {page.status === 'delivered'
                      ? r.deliveredAt
                      : page.status === 'pending'
                        ? `${r.nextAttemptAt}${r.lastError ? ` (last: ${r.lastError})` : ''}`
                        : (r.lastError ?? '')}
                  </td>
                  {page.status === 'dead' && (
                    <td>
                      <RetryDeliveryButton deliveryId={r.id} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
