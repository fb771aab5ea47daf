/**
 * Reference data: the kinds of usage the operator's network sends (SPEC §7), served as TMF635
 * usage specifications. The id is what a usage record names (`usageSpecification.id`, the
 * `kind` column of the import file); `counter` is the per-period total it adds to. Code never
 * names these ids: it reads the table (lib/server/usage/kinds.ts).
 */
export interface UsageKindRow {
  id: string;
  name: string;
  description: string;
  unit: 'minute' | 'call';
  counter: 'ld_minutes' | 'intl_minutes' | 'unanswered_calls' | 'missed_while_busy';
}

export const usageKinds: UsageKindRow[] = [
  {
    id: 'long-distance',
    name: 'Long-distance minutes',
    description: 'Minutes of long-distance calls, counted against the allowance of the plan and add-ons.',
    unit: 'minute',
    counter: 'ld_minutes',
  },
  {
    id: 'international',
    name: 'International minutes',
    description: 'Minutes of international calls, each at the international rate that applies.',
    unit: 'minute',
    counter: 'intl_minutes',
  },
  {
    id: 'unanswered-call',
    name: 'Unanswered call',
    description: 'An incoming call nobody answered (quantity: calls).',
    unit: 'call',
    counter: 'unanswered_calls',
  },
  {
    id: 'missed-while-busy',
    name: 'Call missed while busy',
    description: 'An incoming call missed because the line was busy (quantity: calls).',
    unit: 'call',
    counter: 'missed_while_busy',
  },
];
