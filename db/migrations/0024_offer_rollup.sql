CREATE TABLE "offer_event_daily" (
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"offer_key" text NOT NULL,
	"target_config" jsonb NOT NULL,
	"impressions" bigint DEFAULT 0 NOT NULL,
	"acceptances" bigint DEFAULT 0 NOT NULL,
	"dismissals" bigint DEFAULT 0 NOT NULL,
	"snoozes" bigint DEFAULT 0 NOT NULL,
	"revenue_change_cents" bigint DEFAULT 0 NOT NULL,
	"savings_cents" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "offer_event_daily_day_kind_offer_key_target_config_pk" PRIMARY KEY("day","kind","offer_key","target_config")
);
--> statement-breakpoint
CREATE INDEX "subscribers_lower_name_trgm_idx" ON "subscribers" USING gin (lower("name") gin_trgm_ops);--> statement-breakpoint
-- The offer analytics rollup (issue 23) is kept by the database, whoever writes the events:
-- one set-based upsert per INSERT statement (its transition table), and the same in reverse
-- for a DELETE. Offer events are never updated.
CREATE OR REPLACE FUNCTION offer_event_daily_add() RETURNS trigger AS $$
BEGIN
  INSERT INTO offer_event_daily AS d
    (day, kind, offer_key, target_config, impressions, acceptances, dismissals, snoozes, revenue_change_cents, savings_cents)
  SELECT day, kind, offer_key, target_config,
    count(*) FILTER (WHERE event_type = 'impression'),
    count(*) FILTER (WHERE event_type = 'accepted'),
    count(*) FILTER (WHERE event_type = 'dismissed'),
    count(*) FILTER (WHERE event_type = 'snoozed'),
    coalesce(sum(monthly_price_change_cents) FILTER (WHERE event_type = 'accepted'), 0),
    coalesce(sum(monthly_saving_cents) FILTER (WHERE event_type = 'accepted'), 0)
  FROM new_events
  GROUP BY day, kind, offer_key, target_config
  ORDER BY day, kind, offer_key, target_config
  ON CONFLICT (day, kind, offer_key, target_config) DO UPDATE SET
    impressions = d.impressions + excluded.impressions,
    acceptances = d.acceptances + excluded.acceptances,
    dismissals = d.dismissals + excluded.dismissals,
    snoozes = d.snoozes + excluded.snoozes,
    revenue_change_cents = d.revenue_change_cents + excluded.revenue_change_cents,
    savings_cents = d.savings_cents + excluded.savings_cents;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION offer_event_daily_remove() RETURNS trigger AS $$
BEGIN
  UPDATE offer_event_daily AS d SET
    impressions = d.impressions - o.impressions,
    acceptances = d.acceptances - o.acceptances,
    dismissals = d.dismissals - o.dismissals,
    snoozes = d.snoozes - o.snoozes,
    revenue_change_cents = d.revenue_change_cents - o.revenue_change_cents,
    savings_cents = d.savings_cents - o.savings_cents
  FROM (
    SELECT day, kind, offer_key, target_config,
      count(*) FILTER (WHERE event_type = 'impression') AS impressions,
      count(*) FILTER (WHERE event_type = 'accepted') AS acceptances,
      count(*) FILTER (WHERE event_type = 'dismissed') AS dismissals,
      count(*) FILTER (WHERE event_type = 'snoozed') AS snoozes,
      coalesce(sum(monthly_price_change_cents) FILTER (WHERE event_type = 'accepted'), 0) AS revenue_change_cents,
      coalesce(sum(monthly_saving_cents) FILTER (WHERE event_type = 'accepted'), 0) AS savings_cents
    FROM old_events
    GROUP BY day, kind, offer_key, target_config
  ) o
  WHERE d.day = o.day AND d.kind = o.kind AND d.offer_key = o.offer_key AND d.target_config = o.target_config;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER offer_event_daily_on_insert
  AFTER INSERT ON offer_events REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION offer_event_daily_add();
--> statement-breakpoint
CREATE TRIGGER offer_event_daily_on_delete
  AFTER DELETE ON offer_events REFERENCING OLD TABLE AS old_events
  FOR EACH STATEMENT EXECUTE FUNCTION offer_event_daily_remove();
--> statement-breakpoint
-- The events written before this migration.
INSERT INTO offer_event_daily
  (day, kind, offer_key, target_config, impressions, acceptances, dismissals, snoozes, revenue_change_cents, savings_cents)
SELECT day, kind, offer_key, target_config,
  count(*) FILTER (WHERE event_type = 'impression'),
  count(*) FILTER (WHERE event_type = 'accepted'),
  count(*) FILTER (WHERE event_type = 'dismissed'),
  count(*) FILTER (WHERE event_type = 'snoozed'),
  coalesce(sum(monthly_price_change_cents) FILTER (WHERE event_type = 'accepted'), 0),
  coalesce(sum(monthly_saving_cents) FILTER (WHERE event_type = 'accepted'), 0)
FROM offer_events
GROUP BY day, kind, offer_key, target_config;
--> statement-breakpoint
-- The set-based rollover (issue 23) takes the numbers of a batch of bills at once, in one call:
-- still one step of one at a time (the counter's trigger of migration 0005 allows nothing
-- else), under the counter's row lock held to commit. Returns the first of the k numbers.
CREATE OR REPLACE FUNCTION take_bill_numbers(k integer) RETURNS bigint AS $$
DECLARE
  last bigint;
BEGIN
  IF k IS NULL OR k < 1 THEN
    RAISE EXCEPTION 'take_bill_numbers: k must be a positive number (got %)', k;
  END IF;
  FOR i IN 1..k LOOP
    UPDATE bill_number_counter SET last_number = last_number + 1 WHERE id = 1 RETURNING last_number INTO last;
  END LOOP;
  IF last IS NULL THEN
    RAISE EXCEPTION 'The bill-number counter row is missing (migration 0005 creates it).';
  END IF;
  RETURN last - k + 1;
END;
$$ LANGUAGE plpgsql;
