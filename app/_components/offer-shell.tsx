'use client';
import { useRouter } from 'next/navigation';
import { createContext, useActionState, useContext, useEffect, useState } from 'react';
import { respondToOfferAction } from '@/app/_actions/offers';
import { idle } from '@/lib/contracts/action-state';
import { StatusMessage } from './status-message';

/** How long "Undo" stays after "Not for me" or "Remind me later" (issue 15). */
export const UNDO_SECONDS = 10;

const HideContext = createContext<(message: string) => void>(() => {});

/** What OfferButtons calls once its response is recorded. */
export function useHideOffer() {
  return useContext(HideContext);
}

/**
 * One offer of the list. Once set aside, it is replaced in place by what happened and an
 * "Undo" button for 10 seconds (the response is already recorded: leaving the page keeps it);
 * then the page refreshes and the list closes up. Undo deletes the response and brings it back.
 */
export function OfferShell({
  offerKey,
  offerKind,
  subscriberId,
  title,
  className,
  children,
}: {
  offerKey: string;
  offerKind: string;
  subscriberId: number;
  title: string;
  className: string;
  children: React.ReactNode;
}) {
  const router = useRouter();
  const [hidden, setHidden] = useState<string | null>(null);
  const [left, setLeft] = useState(UNDO_SECONDS);
  const [undo, undoAction, undoing] = useActionState(respondToOfferAction, idle);

  useEffect(() => {
    if (hidden === null || undo.status === 'success') return;
    if (left <= 0) {
      router.refresh();
      return;
    }
    const t = setTimeout(() => setLeft((s) => s - 1), 1000);
    return () => clearTimeout(t);
  }, [hidden, left, router, undo.status]);

  useEffect(() => {
    if (undo.status === 'success') {
      setHidden(null);
      setLeft(UNDO_SECONDS);
    }
  }, [undo.status]);

  if (hidden !== null && undo.status !== 'success') {
    if (left <= 0) return null;
    return (
      <li className={`${className} p-4`} data-testid="offer-set-aside">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p role="status" className="text-sm">
            {hidden}
          </p>
          <form action={undoAction} className="flex items-center gap-2">
            <input type="hidden" name="subscriberId" value={subscriberId} />
            <input type="hidden" name="offerKey" value={offerKey} />
            <button
              type="submit"
              name="response"
              value="undone"
              className="btn-secondary"
              disabled={undoing}
              aria-label={`Undo: ${title}`}
            >
              {undoing ? 'Undoing…' : `Undo (${left} s)`}
            </button>
          </form>
        </div>
        {undo.status === 'error' && <StatusMessage state={undo} testId="offer-undo-error" />}
      </li>
    );
  }
  return (
    <HideContext.Provider value={setHidden}>
      <li className={className} data-testid="offer" data-offer-key={offerKey} data-offer-kind={offerKind}>
        {children}
      </li>
    </HideContext.Provider>
  );
}
