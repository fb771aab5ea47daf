'use client';
import { createContext, useActionState, useContext } from 'react';
import { confirmChangeAction } from '@/app/_actions/changes';
import { AppLink } from '@/app/_components/app-link';
import { type ActionState, idle } from '@/lib/contracts/action-state';
import type { ConfirmResult } from '@/lib/contracts/changes';
import { createFormats, type DisplaySettings } from '@/lib/domain/text';
import { StatusMessage } from './status-message';

type State = ActionState<ConfirmResult>;

/**
 * Decision (issue 15): a confirm whose answer never arrives (offline, a dropped connection)
 * can't know whether the change went through; it says so and where to check, and keeps the
 * preview and the typed reason. It is not an error page claiming that nothing changed.
 */
async function confirmOrUnknown(prev: State, form: FormData): Promise<State> {
  try {
    return await confirmChangeAction(prev, form);
  } catch {
    return {
      status: 'error',
      code: 'unreachable',
      message:
        "We couldn't reach the portal, so we don't know whether the change went through. Check the change history before confirming again: confirming this same preview again never applies it twice.",
    };
  }
}

const FlowContext = createContext<{ state: State; action: (form: FormData) => void; pending: boolean } | null>(null);

/** The confirm's state, for the form inside the preview (confirm-change.tsx). */
export function useConfirmFlow() {
  const ctx = useContext(FlowContext);
  if (!ctx) throw new Error('ConfirmChange must be inside ChangeFlow');
  return ctx;
}

/**
 * The change page's root: it holds the confirm's state above the preview, so that once the
 * change is made the success view is its own view ("Done: you now have …", one next step), and
 * stays when the page re-renders with fresh data underneath it (the confirm refreshes every page,
 * so that Back shows the change too).
 */
export function ChangeFlow({
  children,
  overviewHref,
  staff,
  display,
}: {
  children: React.ReactNode;
  overviewHref: string;
  staff: boolean;
  display: DisplaySettings;
}) {
  const [state, action, pending] = useActionState(confirmOrUnknown, idle);
  if (state.status === 'success' && state.data) {
    const d = state.data;
    const scheduled = d.status === 'scheduled';
    const who = staff ? 'the line has' : 'you have';
    return (
      <div data-testid="change-done">
        <h1 className="mb-3 text-2xl font-bold">
          {d.holds
            ? scheduled
              ? `Scheduled: from ${createFormats(display).day(d.effectiveDate)}, ${who} ${d.holds}`
              : `Done: ${staff ? 'the line now has' : 'you now have'} ${d.holds}`
            : scheduled
              ? 'Scheduled'
              : 'Done'}
        </h1>
        <StatusMessage state={state} testId="confirm-message" />
        <p className="mt-4 flex flex-wrap gap-4">
          <AppLink href={overviewHref} className="btn-primary no-underline hover:no-underline">
            Back to the overview
          </AppLink>
        </p>
      </div>
    );
  }
  return <FlowContext.Provider value={{ state, action, pending }}>{children}</FlowContext.Provider>;
}
