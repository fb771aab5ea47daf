import type { DashboardView } from '@/lib/server/dashboard';
import { ScheduledChangeCard } from './cancel-scheduled';
import { formatCents, formatDay } from './format';

export function PendingChange({ view, staff }: { view: DashboardView; staff: boolean }) {
  const p = view.pending;
  if (!p) return null;
  return (
    <ScheduledChangeCard subscriberId={view.subscriberId} scheduledChangeId={p.id} staff={staff}>
      <p className="mt-1" data-testid="scheduled-change-text">
        On {formatDay(p.effectiveDate)} you move to {p.label} ({formatCents(p.monthlyCents)} a month).
        {p.byName ? ` Arranged by ${p.byName}.` : ''}
      </p>
      <p className="muted text-sm">You keep what you have until then, and you can cancel until then.</p>
    </ScheduledChangeCard>
  );
}
