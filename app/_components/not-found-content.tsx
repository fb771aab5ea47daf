import { AppLink } from '@/app/_components/app-link';

/** What a 404 page says: app/not-found.tsx and app/(portal)/not-found.tsx. */
export function NotFoundContent() {
  return (
    <div className="mx-auto max-w-lg">
      <h1 className="mb-2 text-2xl font-bold">Not found</h1>
      <p className="mb-4">That page or account doesn&apos;t exist, or you don&apos;t have access to it.</p>
      <AppLink href="/">Go to the start page</AppLink>
    </div>
  );
}
