import { NotFoundContent } from './_components/not-found-content';

/**
 * Unknown URLs. No site header here, on purpose: Next.js renders this element into every
 * page's payload (the benchmark's floor included), so a header here would read the database
 * on every request. notFound() in a portal page shows app/(portal)/not-found.tsx, with the header.
 */
export default function NotFound() {
  return (
    <main id="main" className="px-4 py-6 sm:py-8">
      <NotFoundContent />
    </main>
  );
}
