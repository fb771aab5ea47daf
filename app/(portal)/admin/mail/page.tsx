import type { Metadata } from 'next';
import { requirePageActor } from '@/app/_lib/page';
import { listMailFolder } from '@/lib/server/deliveries';

export const metadata: Metadata = { title: 'Mail kept locally' };

export default async function MailPage() {
  const actor = await requirePageActor('view_mail', '/login?callbackUrl=/admin/mail');
  const view = await listMailFolder(actor);
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Mail kept locally</h1>
      {view.smtp ? (
        <p data-testid="mail-smtp">
          Mail is sent through the SMTP relay (SMTP_URL); nothing is kept here. See Deliveries for what went out.
        </p>
      ) : (
        <>
          <p className="muted mb-4 text-sm">
            Without an SMTP relay (SMTP_URL unset, as in demo and test runs) each email is kept as a file in the data
            folder&apos;s mail directory instead of being sent. The newest 100:
          </p>
          {view.messages.length === 0 ? (
            <p data-testid="mail-none">No mail yet.</p>
          ) : (
            <ul className="space-y-3" data-testid="mail-list">
              {view.messages.map((m) => (
                <li key={m.file} className="card" data-testid="mail" data-event-id={m.eventKey}>
                  <p>
                    <strong data-testid="mail-subject">{m.subject}</strong>
                  </p>
                  <p className="text-sm">
                    To <span data-testid="mail-to">{m.to}</span> · {m.savedAt} · {m.eventType} · <code>{m.file}</code>
                    {m.attachments.length > 0 ? ` · attached: ${m.attachments.join(', ')}` : ''}
                  </p>
                  <details>
                    <summary>Text</summary>
                    <pre className="whitespace-pre-wrap text-sm">{m.text}</pre>
                  </details>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}
