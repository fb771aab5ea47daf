CREATE TYPE "public"."usage_status" AS ENUM('rated', 'rejected');--> statement-breakpoint
CREATE TABLE "usage_records" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "usage_records_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subscriber_id" integer,
	"usage_date" timestamp with time zone,
	"spec_id" text,
	"quantity" integer,
	"status" "usage_status" NOT NULL,
	"reason" text,
	"late" boolean DEFAULT false NOT NULL,
	"period_start" date,
	"source" text NOT NULL,
	"client_id" text,
	"detail" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_records_quantity" CHECK ("usage_records"."quantity" is null or "usage_records"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "usage_specifications" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"unit" text,
	"counter" text,
	"created_by_client_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_specifications_counter" CHECK ("usage_specifications"."counter" is null or "usage_specifications"."counter" in ('ld_minutes', 'intl_minutes', 'unanswered_calls', 'missed_while_busy'))
);
--> statement-breakpoint
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_client_id_api_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."api_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_specifications" ADD CONSTRAINT "usage_specifications_created_by_client_id_api_clients_id_fk" FOREIGN KEY ("created_by_client_id") REFERENCES "public"."api_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "usage_records_seq_key" ON "usage_records" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "usage_records_subscriber_idx" ON "usage_records" USING btree ("subscriber_id","seq");