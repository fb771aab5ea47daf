-- Issue 20: which feature answers which usage signal in offers is catalog data now
-- (add_ons.answers_signal). A database seeded before it gets the spec's two: Voicemail for
-- unanswered calls, Call Waiting for calls missed while busy (a new database gets them from
-- the reference data, db/catalog-data.ts).
UPDATE "add_ons" SET "answers_signal" = 'unanswered_calls' WHERE "code" = 'voicemail' AND "answers_signal" IS NULL;--> statement-breakpoint
UPDATE "add_ons" SET "answers_signal" = 'missed_while_busy' WHERE "code" = 'call_waiting' AND "answers_signal" IS NULL;
