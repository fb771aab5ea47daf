import { AppLink } from '@/app/_components/app-link';

export default function AgentNotFound() {
  return (
    <>
      <h1 className="mb-3 text-2xl font-bold">Account not found</h1>
      <p className="mb-4">There is no subscriber account at this address. It may have been typed wrong.</p>
      <p>
        <AppLink href="/agent">Find a subscriber</AppLink>
      </p>
    </>
  );
}
