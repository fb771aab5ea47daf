/** The outcome of an action, announced to screen readers. */
export function StatusMessage({
  state,
  testId = 'action-message',
}: {
  state: { status: string; message: string };
  testId?: string;
}) {
  if (state.status === 'idle' || !state.message) return <div role="status" aria-live="polite" className="sr-only" />;
  const ok = state.status === 'success';
  return (
    <div
      role={ok ? 'status' : 'alert'}
      aria-live="polite"
      data-testid={testId}
      data-status={state.status}
      className={`rounded-lg border p-3 text-sm ${ok ? 'border-emerald-300 bg-emerald-50 text-emerald-900' : 'border-red-300 bg-red-50 text-red-900'}`}
    >
      {state.message}
    </div>
  );
}
