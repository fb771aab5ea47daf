CREATE TYPE "public"."add_on_status" AS ENUM('active', 'retired');--> statement-breakpoint
CREATE TABLE "catalog_item_drafts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "catalog_item_drafts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"code" text NOT NULL,
	"definition" jsonb NOT NULL,
	"tmf_draft_id" text,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"launched_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "catalog_versions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "catalog_versions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"effective_on" date NOT NULL,
	"catalog" jsonb NOT NULL,
	"reason" text NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "price_changes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "price_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"item_type" text NOT NULL,
	"item_code" text NOT NULL,
	"old_cents" integer NOT NULL,
	"new_cents" integer NOT NULL,
	"notice_on" date NOT NULL,
	"effective_on" date NOT NULL,
	"catalog_version" integer NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "price_notices" (
	"price_change_id" integer NOT NULL,
	"subscription_id" integer NOT NULL,
	CONSTRAINT "price_notices_price_change_id_subscription_id_pk" PRIMARY KEY("price_change_id","subscription_id")
);
--> statement-breakpoint
ALTER TABLE "add_ons" ADD COLUMN "status" "add_on_status" DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "add_ons" ADD COLUMN "answers_signal" text;--> statement-breakpoint
ALTER TABLE "bills" ADD COLUMN "catalog_version" integer;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "catalog_version" integer;--> statement-breakpoint
ALTER TABLE "catalog_item_drafts" ADD CONSTRAINT "catalog_item_drafts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_versions" ADD CONSTRAINT "catalog_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_changes" ADD CONSTRAINT "price_changes_catalog_version_catalog_versions_id_fk" FOREIGN KEY ("catalog_version") REFERENCES "public"."catalog_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_changes" ADD CONSTRAINT "price_changes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_notices" ADD CONSTRAINT "price_notices_price_change_id_price_changes_id_fk" FOREIGN KEY ("price_change_id") REFERENCES "public"."price_changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_notices" ADD CONSTRAINT "price_notices_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_item_drafts_open_code" ON "catalog_item_drafts" USING btree ("code") WHERE "catalog_item_drafts"."launched_at" is null;--> statement-breakpoint
CREATE INDEX "price_notices_subscription_idx" ON "price_notices" USING btree ("subscription_id");