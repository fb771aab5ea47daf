import type { Metadata } from 'next';
import { AppLink } from '@/app/_components/app-link';
import { z } from 'zod';
import { pageData, requirePageActor } from '@/app/_lib/page';
import { searchSubscribers, type SubscriberSearchResult } from '@/lib/server/agents';

export const metadata: Metadata = { title: 'Agent home' };

type Search = Record<string, string | string[] | undefined>;

const querySchema = z.object({
  q: z
    .string()
    .max(100, 'At most 100 characters.')
    .optional()
    .transform((v) => v?.trim() ?? ''),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

function pageHref(q: string, page: number): string {
  const p = new URLSearchParams({ q });
  if (page > 1) p.set('page', String(page));
  return `/agent?${p.toString()}`;
}

export default async function AgentHome({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requirePageActor('open_agent_area', '/login?callbackUrl=/agent');
  const flat = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = querySchema.safeParse(flat);
  let error: string | null = null;
  let result: SubscriberSearchResult | null = null;
  const q = parsed.success ? parsed.data.q : '';
  if (!parsed.success) error = parsed.error.issues[0]?.message ?? 'That search could not be read.';
  else if (q) {
    const r = await pageData(() => searchSubscribers(actor, { q, page: parsed.data.page }));
    if (r.ok) result = r.data;
    else error = r.problem;
  }
  return (
    <>
      <h1 className="mb-1 text-2xl font-bold">Find a subscriber</h1>
      <p className="muted mb-5 text-sm">
        Signed in as {actor.name} ({actor.role}). Open an account to see what the subscriber sees, act on their behalf,
        and read its audit trail and notes.
      </p>
      <form method="get" action="/agent" role="search" className="card mb-6 flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <label htmlFor="q" className="label">
            Search subscribers
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={q}
            maxLength={100}
            className="field"
            aria-describedby="q-hint"
            autoComplete="off"
            data-testid="search-input"
          />
          <p id="q-hint" className="muted mt-1 text-xs">
            Name, phone number (any format, or its last 4 digits), email or account number.
          </p>
        </div>
        <button type="submit" className="btn-primary mb-5">
          Search
        </button>
      </form>

      {error && (
        <p
          role="alert"
          className="rounded-lg border border-red-300 bg-red-50 p-3 text-red-900"
          data-testid="search-error"
        >
          {error}
        </p>
      )}
      {!error && !result && (
        <p className="muted" data-testid="search-empty">
          Search by name, phone number, email or account number to open an account.
        </p>
      )}
      {result && <Results result={result} />}
    </>
  );
}

function Results({ result }: { result: SubscriberSearchResult }) {
  const { rows, total, page, pageCount, query } = result;
  if (total === 0) {
    return (
      <section aria-labelledby="results-heading">
        <h2 id="results-heading" className="mb-2 text-lg font-semibold">
          Results
        </h2>
        <p data-testid="search-no-results">No subscriber matches “{query}”.</p>
        {result.hint && <p className="muted mt-1 text-sm">{result.hint}</p>}
      </section>
    );
  }
  const first = (page - 1) * result.pageSize + 1;
  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading" className="mb-1 text-lg font-semibold">
        Results
      </h2>
      <p className="muted mb-3 text-sm" data-testid="search-summary">
        <span data-testid="search-total">{total}</span> {total === 1 ? 'subscriber matches' : 'subscribers match'} “
        {query}”{result.matchedOn.length ? ` (by ${result.matchedOn.join(' or ')})` : ''}
        {rows.length > 0 ? `; showing ${first}–${first + rows.length - 1}.` : '.'}
      </p>
      {rows.length === 0 ? (
        <p data-testid="search-page-empty">
          There is no page {page}. <AppLink href={pageHref(query, Math.max(1, pageCount))}>Go to the last page</AppLink>
          .
        </p>
      ) : (
        <div
          className="card overflow-x-auto p-0"
          role="region"
          aria-label="Matching subscribers (scrolls sideways)"
          data-scrolls
          tabIndex={0}
        >
          <table className="w-full text-sm" data-testid="search-results">
            <caption className="sr-only">
              Subscribers matching “{query}”, page {page} of {pageCount}
            </caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="p-3 font-semibold">
                  Name
                </th>
                <th scope="col" className="p-3 font-semibold">
                  Phone
                </th>
                <th scope="col" className="p-3 font-semibold">
                  Email
                </th>
                <th scope="col" className="p-3 font-semibold">
                  Account number
                </th>
                <th scope="col" className="p-3 font-semibold">
                  Plan
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.id}
                  className="border-t border-slate-200"
                  data-testid="search-result"
                  data-subscriber-id={r.id}
                  data-exact={r.exact ? 'true' : 'false'}
                >
                  <th scope="row" className="p-3 text-left font-medium">
                    <AppLink href={`/agent/subscribers/${r.id}`} data-testid="search-result-link">
                      {r.name}
                    </AppLink>
                  </th>
                  <td className="p-3 whitespace-nowrap tabular-nums" data-testid="search-result-phone">
                    {r.phone ?? '—'}
                  </td>
                  <td className="p-3" data-testid="search-result-email">
                    {r.email ?? '—'}
                  </td>
                  <td className="p-3 whitespace-nowrap" data-testid="search-result-account">
                    {r.accountNumber}
                  </td>
                  <td className="p-3" data-testid="search-result-plan">
                    {r.planName ?? '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pageCount > 1 && (
        <nav
          aria-label="Search result pages"
          className="mt-4 flex flex-wrap items-center gap-4 text-sm"
          data-testid="search-pagination"
        >
          {page > 1 ? (
            <AppLink href={pageHref(query, Math.min(page - 1, pageCount))} rel="prev">
              Previous page
            </AppLink>
          ) : (
            <span className="muted" aria-hidden="true">
              Previous page
            </span>
          )}
          <span data-testid="search-page">
            Page {page} of {pageCount}
          </span>
          {page < pageCount ? (
            <AppLink href={pageHref(query, page + 1)} rel="next">
              Next page
            </AppLink>
          ) : (
            <span className="muted" aria-hidden="true">
              Next page
            </span>
          )}
        </nav>
      )}
    </section>
  );
}
