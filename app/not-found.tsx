import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="mx-auto max-w-lg">
      <h1 className="mb-2 text-2xl font-bold">Not found</h1>
      <p className="mb-4">That page or account doesn&apos;t exist, or you don&apos;t have access to it.</p>
      <Link href="/">Go to the start page</Link>
    </div>
  );
}
