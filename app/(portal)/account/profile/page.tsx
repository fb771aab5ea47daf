import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { OfferEmailsForm } from '@/app/_components/delivery-forms';
import { getActor } from '@/lib/server/actor';
import { getOfferEmailConsent } from '@/lib/server/deliveries';

export const metadata: Metadata = { title: 'Profile' };

export default async function ProfilePage() {
  const actor = await getActor();
  if (!actor) redirect('/login?callbackUrl=/account/profile');
  if (actor.role !== 'subscriber') redirect('/agent');
  const offerEmails = await getOfferEmailConsent(actor);
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Profile</h1>
      <p className="mb-1 [overflow-wrap:anywhere]">
        Signed in as <strong>{actor.name}</strong> ({actor.email}).
      </p>
      <h2 className="mb-2 mt-6 text-lg font-semibold">Emails</h2>
      <p className="muted mb-3 text-sm">
        Messages about your account always come: a change confirmed, a scheduled change coming in 3 days, a bill issued,
        a price change. Offer emails come only if you want them.
      </p>
      <OfferEmailsForm offerEmails={offerEmails} />
    </>
  );
}
