import type { Metadata } from 'next';
import { requirePageActor } from '@/app/_lib/page';
import { ResetSecondFactorButton } from '@/app/_components/account-forms';
import { listStaff } from '@/lib/server/second-factor';

export const metadata: Metadata = { title: 'Staff' };

/** Admin → Staff (issue 21): each staff member's second factor, and resetting it for a lost phone. */
export default async function StaffPage() {
  const actor = await requirePageActor('staff.list', '/login?callbackUrl=/admin/staff');
  const staff = await listStaff(actor);
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Staff</h1>
      <p className="muted mb-4 text-sm">
        Agents and admins sign in with a password and a code from an authenticator app. Resetting someone&apos;s second
        factor (a lost or replaced phone) ends their sessions; they set up a new one at their next sign-in.
      </p>
      <ul className="space-y-3" data-testid="staff-list">
        {staff.map((m) => (
          <li key={m.userId} className="card space-y-2" data-testid="staff-member" data-email={m.email}>
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <span className="font-semibold">{m.name}</span>
              <span className="text-sm">
                {m.email} · {m.role === 'admin' ? 'Admin' : 'Support agent'}
              </span>
            </div>
            <p className="text-sm" data-testid="staff-second-factor">
              {m.enrolled
                ? `Second factor set up · ${m.recoveryCodesLeft} recovery code${m.recoveryCodesLeft === 1 ? '' : 's'} left`
                : 'No second factor yet: set up at next sign-in'}
            </p>
            {!m.isYou && <ResetSecondFactorButton userId={m.userId} name={m.name} />}
          </li>
        ))}
      </ul>
    </>
  );
}
