CREATE INDEX "ledger_lines_unbilled_idx" ON "ledger_lines" USING btree ("subscription_id","bill_period_start") WHERE "ledger_lines"."bill_id" is null;
