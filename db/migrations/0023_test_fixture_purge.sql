-- Test fixtures (SPEC §12) are removed with every row they have (lib/server/test-fixtures.ts
-- purgeFixtures), bills and audit rows included. Those tables refuse deletes (0001, 0005); the
-- triggers below keep refusing them for every row but those of the one fixture a purge names in
-- the transaction-local setting switchboard.purge_fixture, and only while it is a row of
-- test_fixtures (a deployment has none: its routes answer 404). The trigger functions of 0001 and
-- 0005 are untouched: the triggers gain a WHEN condition (the ledger's delete case its own trigger).
CREATE OR REPLACE FUNCTION test_fixture_purging(subscriber integer) RETURNS boolean AS $$
  SELECT subscriber IS NOT NULL
    AND coalesce(current_setting('switchboard.purge_fixture', true), '') = subscriber::text
    AND EXISTS (SELECT 1 FROM test_fixtures f WHERE f.subscriber_id = subscriber);
$$ LANGUAGE sql STABLE;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION test_fixture_user_purging(account integer) RETURNS boolean AS $$
  SELECT account IS NOT NULL AND EXISTS (
    SELECT 1 FROM test_fixtures f
    WHERE f.user_id = account AND coalesce(current_setting('switchboard.purge_fixture', true), '') = f.subscriber_id::text
  );
$$ LANGUAGE sql STABLE;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION test_fixture_subscription_purging(subscription integer) RETURNS boolean AS $$
  SELECT EXISTS (
    SELECT 1 FROM subscriptions s
    WHERE s.id = subscription AND test_fixture_purging(s.subscriber_id)
  );
$$ LANGUAGE sql STABLE;
--> statement-breakpoint
DROP TRIGGER audit_events_no_update_delete ON audit_events;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW
  WHEN (NOT (test_fixture_purging(OLD.subscriber_id) OR test_fixture_user_purging(OLD.actor_user_id)))
  EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
DROP TRIGGER bills_immutable ON bills;
--> statement-breakpoint
CREATE TRIGGER bills_immutable
  BEFORE UPDATE OR DELETE ON bills
  FOR EACH ROW
  WHEN (NOT test_fixture_purging(OLD.subscriber_id))
  EXECUTE FUNCTION bills_only_state_changes();
--> statement-breakpoint
DROP TRIGGER ledger_lines_billed_immutable ON ledger_lines;
--> statement-breakpoint
CREATE TRIGGER ledger_lines_billed_immutable
  BEFORE INSERT OR UPDATE ON ledger_lines
  FOR EACH ROW EXECUTE FUNCTION ledger_lines_billed_immutable();
--> statement-breakpoint
CREATE TRIGGER ledger_lines_billed_kept
  BEFORE DELETE ON ledger_lines
  FOR EACH ROW
  WHEN (NOT test_fixture_subscription_purging(OLD.subscription_id))
  EXECUTE FUNCTION ledger_lines_billed_immutable();
