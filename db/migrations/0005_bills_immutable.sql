-- Bills are immutable once issued (docs/bills.md): only their state may change later.
-- A bill's lines are the ledger lines that carry its id; a line is attached to a bill only by
-- the transaction that issued the bill, and a billed line never changes or goes away.
CREATE OR REPLACE FUNCTION bills_only_state_changes() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF (to_jsonb(NEW) - 'state' - 'state_changed_at') IS DISTINCT FROM (to_jsonb(OLD) - 'state' - 'state_changed_at') THEN
      RAISE EXCEPTION 'bill % is issued: only its state may change', OLD.number USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'bills are kept once issued (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER bills_immutable
  BEFORE UPDATE OR DELETE ON bills
  FOR EACH ROW EXECUTE FUNCTION bills_only_state_changes();
--> statement-breakpoint
CREATE TRIGGER bills_no_truncate
  BEFORE TRUNCATE ON bills
  FOR EACH STATEMENT EXECUTE FUNCTION bills_only_state_changes();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledger_lines_billed_immutable() RETURNS trigger AS $$
DECLARE
  issuer bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.bill_id IS NOT NULL THEN
      RAISE EXCEPTION 'ledger line % is on a bill: it is kept', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.bill_id IS NOT NULL THEN
    RAISE EXCEPTION 'ledger line % is on a bill: it cannot change (a correction is a new line on the next bill)', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.bill_id IS NOT NULL THEN
    SELECT b.issued_xact INTO issuer FROM bills b WHERE b.id = NEW.bill_id;
    IF issuer IS DISTINCT FROM (pg_current_xact_id()::text)::bigint THEN
      RAISE EXCEPTION 'bill % is already issued: lines are added to a bill only when it is issued', NEW.bill_id USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER ledger_lines_billed_immutable
  BEFORE INSERT OR UPDATE OR DELETE ON ledger_lines
  FOR EACH ROW EXECUTE FUNCTION ledger_lines_billed_immutable();
--> statement-breakpoint
CREATE TRIGGER ledger_lines_no_truncate
  BEFORE TRUNCATE ON ledger_lines
  FOR EACH STATEMENT EXECUTE FUNCTION bills_only_state_changes();
--> statement-breakpoint
-- The bill-number counter: one row, only ever advanced by one (gapless numbering).
INSERT INTO bill_number_counter (id, last_number) VALUES (1, 0) ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION bill_number_counter_step() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.id <> OLD.id OR NEW.last_number <> OLD.last_number + 1 THEN
    RAISE EXCEPTION 'the bill-number counter only moves forward by one (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER bill_number_counter_step
  BEFORE UPDATE OR DELETE ON bill_number_counter
  FOR EACH ROW EXECUTE FUNCTION bill_number_counter_step();
