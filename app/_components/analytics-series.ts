/** The offer-analytics chart's series (shared by the server figure and the client chart). */
export const ANALYTICS_SERIES = [
  { key: 'impressions', label: 'Impressions', color: '#475569' },
  { key: 'acceptances', label: 'Acceptances', color: '#047857' },
  { key: 'dismissals', label: 'Dismissals', color: '#b91c1c' },
  { key: 'snoozes', label: 'Snoozes', color: '#b45309' },
] as const;
