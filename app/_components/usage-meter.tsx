/**
 * A labelled usage bar: visual meter plus the numbers in text. Decision (issue 15): a meter
 * shows how much of an allowance is used, so with none included there is no meter at all (a
 * full red bar for 29 minutes read as an alarm); the text says each minute is charged.
 */
export function UsageMeter({
  id,
  label,
  used,
  allowance,
  unit,
  owner = 'your plan',
}: {
  id: string;
  label: string;
  used: number;
  allowance: number | null;
  unit: string;
  /** Whose plan the text speaks of ("your plan"; an agent reads "the plan"). */
  owner?: string;
}) {
  const unlimited = allowance === null;
  const max = unlimited ? Math.max(used, 1) : Math.max(allowance, 1);
  const pct = unlimited ? 100 : Math.min(100, Math.round((used / max) * 100));
  const over = !unlimited && used > (allowance ?? 0);
  const text = unlimited
    ? `${used} ${unit} used, unlimited`
    : allowance === 0
      ? `${used} ${unit} used, none included in ${owner} (each one is charged)`
      : `${used} of ${allowance} ${unit} used${over ? `, ${used - allowance} over the allowance` : ''}`;
  return (
    <div>
      <div className="mb-1 flex flex-wrap justify-between gap-x-3 text-sm">
        <span id={`${id}-label`} className="font-medium">
          {label}
        </span>
        <span data-testid={`${id}-text`}>{text}</span>
      </div>
      {allowance !== 0 && (
        <div
          role="meter"
          aria-labelledby={`${id}-label`}
          aria-valuemin={0}
          aria-valuemax={unlimited ? used : max}
          aria-valuenow={unlimited ? used : Math.min(used, max)}
          aria-valuetext={text}
          className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
          data-testid={id}
        >
          <div
            className={`h-full rounded-full ${unlimited ? 'bg-emerald-600' : over ? 'bg-red-600' : pct > 80 ? 'bg-amber-500' : 'bg-blue-700'}`}
            style={{ width: `${unlimited ? 100 : Math.max(pct, used > 0 ? 2 : 0)}%` }}
          />
        </div>
      )}
    </div>
  );
}
