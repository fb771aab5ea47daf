CREATE TYPE "public"."bill_state" AS ENUM('issued', 'sent', 'on_hold', 'settled');--> statement-breakpoint
ALTER TYPE "public"."ledger_kind" ADD VALUE 'usage';--> statement-breakpoint
ALTER TYPE "public"."ledger_kind" ADD VALUE 'adjustment';--> statement-breakpoint
ALTER TYPE "public"."ledger_kind" ADD VALUE 'credit';--> statement-breakpoint
CREATE TABLE "bill_number_counter" (
	"id" smallint PRIMARY KEY NOT NULL,
	"last_number" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bills" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bills_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"number" bigint NOT NULL,
	"subscription_id" integer NOT NULL,
	"subscriber_id" integer NOT NULL,
	"bill_date" date NOT NULL,
	"closed_period_start" date,
	"next_period_end" date NOT NULL,
	"due_date" date NOT NULL,
	"total_cents" integer NOT NULL,
	"credit_forward_cents" integer DEFAULT 0 NOT NULL,
	"state" "bill_state" DEFAULT 'issued' NOT NULL,
	"state_changed_at" timestamp with time zone,
	"issued_xact" bigint DEFAULT (pg_current_xact_id()::text)::bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bills_total_not_negative" CHECK ("bills"."total_cents" >= 0 and "bills"."credit_forward_cents" >= 0)
);
--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD COLUMN "quantity" integer;--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD COLUMN "bill_id" bigint;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bills_number_key" ON "bills" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "bills_subscription_bill_date_key" ON "bills" USING btree ("subscription_id","bill_date");--> statement-breakpoint
CREATE INDEX "bills_subscriber_idx" ON "bills" USING btree ("subscriber_id","bill_date");--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD CONSTRAINT "ledger_lines_bill_id_bills_id_fk" FOREIGN KEY ("bill_id") REFERENCES "public"."bills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_lines_bill_id_idx" ON "ledger_lines" USING btree ("bill_id");