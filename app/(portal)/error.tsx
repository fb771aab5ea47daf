'use client';
import { AppLink } from '@/app/_components/app-link';

/**
 * Anything unexpected: a plain message, never a stack (the server logged the details). It
 * doesn't claim that nothing changed (issue 15): an error while a confirm was under way can't
 * know that, so it says where to look.
 */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="mx-auto max-w-lg">
      <h1 className="mb-2 text-2xl font-bold">Something went wrong</h1>
      <p className="mb-4" role="alert">
        We couldn&apos;t show this page. If you had just confirmed a change, we can&apos;t tell from here whether it
        went through: check <AppLink href="/history">your change history</AppLink> before trying it again.
      </p>
      <div className="flex gap-3">
        <button type="button" className="btn-primary" onClick={reset}>
          Try again
        </button>
        <AppLink href="/" className="btn-secondary no-underline hover:no-underline">
          Go to the start page
        </AppLink>
      </div>
    </div>
  );
}
