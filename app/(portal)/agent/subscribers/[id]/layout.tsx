import { AppLink } from '@/app/_components/app-link';
import { AgentSubnav } from '@/app/_components/agent-subnav';
import { agentSubject } from '../../_lib/subject';

/** An account opened by an agent or admin: who it is, and its sub-navigation. */
export default async function AgentSubscriberLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ id: string }>;
}) {
  const { subscriber } = await agentSubject((await params).id);
  const base = `/agent/subscribers/${subscriber.id}`;
  return (
    <>
      <p className="mb-3 text-sm">
        <AppLink href="/agent">← Find another subscriber</AppLink>
      </p>
      <p className="mb-3 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm" data-testid="acting-for">
        Acting for <strong data-testid="acting-for-name">{subscriber.name}</strong> · {subscriber.accountNumber} ·{' '}
        {subscriber.phone ?? 'no phone number on file'} · {subscriber.email ?? 'no email on file'}
      </p>
      <AgentSubnav base={base} label={`Account of ${subscriber.name}`} />
      {children}
    </>
  );
}
