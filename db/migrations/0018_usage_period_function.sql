-- The billing period containing a day, in SQL, for the set-based usage merge (lib/server/usage/merge.ts):
-- the same rule as periodContaining in lib/domain/periods/billing.ts (a period starts on the billing
-- day, or on the month's last day in a shorter month; it ends where the next one starts).
-- tests/integration/usage.test.ts compares the two on many days and billing days.
CREATE OR REPLACE FUNCTION billing_period_start_in(billing_day integer, month_start date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
  SELECT month_start + (least(billing_day, extract(day from (month_start::timestamp + interval '1 month' - interval '1 day'))::integer) - 1)
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION billing_period_start(billing_day integer, d date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN d >= billing_period_start_in(billing_day, date_trunc('month', d::timestamp)::date)
      THEN billing_period_start_in(billing_day, date_trunc('month', d::timestamp)::date)
    ELSE billing_period_start_in(billing_day, (date_trunc('month', d::timestamp) - interval '1 month')::date)
  END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION billing_period_end(billing_day integer, period_start date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
  SELECT billing_period_start_in(billing_day, (date_trunc('month', period_start::timestamp) + interval '1 month')::date)
$$;
