import type { DashboardView } from '@/lib/server/dashboard';
import { ScheduledChangeCard } from './cancel-scheduled';
import { formatCents, formatDay } from './format';

export function PendingChange({ view, staff }: { view: DashboardView; staff: boolean }) {
  const p = view.pending;
  // Rendered with no change too, so that the card's "Cancelled" stays after the page refreshes
  // with the change gone (the client component keeps its state at the same place in the tree).
  if (!p) return <ScheduledChangeCard subscriberId={view.subscriberId} scheduledChangeId={null} staff={staff} />;
  return (
    <ScheduledChangeCard subscriberId={view.subscriberId} scheduledChangeId={p.id} staff={staff}>
      <p className="mt-1" data-testid="scheduled-change-text">
        On {formatDay(p.effectiveDate)} {staff ? 'the subscriber moves' : 'you move'} to {p.label} (
        {formatCents(p.monthlyCents)} a month).
        {p.byName ? ` Arranged by ${p.byName}.` : ''}
      </p>
      <p className="muted text-sm">
        {staff
          ? 'They keep what they have until then, and the change can be cancelled until then.'
          : 'You keep what you have until then, and you can cancel until then.'}
      </p>
    </ScheduledChangeCard>
  );
}
