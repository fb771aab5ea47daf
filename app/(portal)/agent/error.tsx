'use client';
import { AppLink } from '@/app/_components/app-link';

/** Anything unexpected in the agent area: a plain message, never the error itself. */
export default function AgentError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <>
      <h1 className="mb-3 text-2xl font-bold">Something went wrong</h1>
      <p role="alert" className="mb-4 rounded-lg border border-red-300 bg-red-50 p-3 text-red-900">
        We couldn&apos;t show this page. If a change was just being confirmed, we can&apos;t tell from here whether it
        went through: check the account&apos;s change history before trying it again.
      </p>
      <p className="flex flex-wrap gap-3">
        <button type="button" className="btn-primary" onClick={() => reset()}>
          Try again
        </button>
        <AppLink href="/agent" className="btn-secondary no-underline hover:no-underline">
          Find a subscriber
        </AppLink>
      </p>
    </>
  );
}
