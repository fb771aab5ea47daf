CREATE TYPE "public"."add_on_kind" AS ENUM('feature', 'usage');--> statement-breakpoint
CREATE TYPE "public"."ledger_kind" AS ENUM('recurring', 'proration');--> statement-breakpoint
CREATE TYPE "public"."offer_event_type" AS ENUM('impression', 'accepted', 'dismissed', 'snoozed');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('applied', 'scheduled', 'cancelled', 'replaced');--> statement-breakpoint
CREATE TYPE "public"."plan_status" AS ENUM('active', 'retired');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('subscriber', 'agent', 'admin');--> statement-breakpoint
CREATE TYPE "public"."scheduled_status" AS ENUM('pending', 'applied', 'cancelled', 'replaced');--> statement-breakpoint
CREATE TABLE "add_on_availability" (
	"add_on_code" text NOT NULL,
	"plan_code" text NOT NULL,
	CONSTRAINT "add_on_availability_add_on_code_plan_code_pk" PRIMARY KEY("add_on_code","plan_code")
);
--> statement-breakpoint
CREATE TABLE "add_on_excludes" (
	"add_on_code" text NOT NULL,
	"excluded_code" text NOT NULL,
	CONSTRAINT "add_on_excludes_add_on_code_excluded_code_pk" PRIMARY KEY("add_on_code","excluded_code")
);
--> statement-breakpoint
CREATE TABLE "add_on_requires" (
	"add_on_code" text NOT NULL,
	"required_code" text NOT NULL,
	CONSTRAINT "add_on_requires_add_on_code_required_code_pk" PRIMARY KEY("add_on_code","required_code")
);
--> statement-breakpoint
CREATE TABLE "add_ons" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"monthly_cents" integer NOT NULL,
	"kind" "add_on_kind" NOT NULL,
	"ld_minutes" integer DEFAULT 0 NOT NULL,
	"ld_unlimited" boolean DEFAULT false NOT NULL,
	"intl_rate_cents" integer,
	"sort_order" smallint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_notes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "agent_notes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"subscriber_id" integer NOT NULL,
	"author_user_id" integer NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "app_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" integer,
	"actor_role" text,
	"subscriber_id" integer,
	"action" text NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"before" jsonb,
	"after" jsonb,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "ledger_lines" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ledger_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" integer,
	"subscription_id" integer NOT NULL,
	"kind" "ledger_kind" NOT NULL,
	"bill_period_start" date NOT NULL,
	"item_type" text NOT NULL,
	"item_code" text NOT NULL,
	"description" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "login_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"email" text NOT NULL,
	"client_address" text NOT NULL,
	"success" boolean NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offer_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "offer_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subscriber_id" integer NOT NULL,
	"offer_key" text NOT NULL,
	"kind" text NOT NULL,
	"target_config" jsonb NOT NULL,
	"event_type" "offer_event_type" NOT NULL,
	"day" date NOT NULL,
	"monthly_price_change_cents" integer DEFAULT 0 NOT NULL,
	"monthly_saving_cents" integer DEFAULT 0 NOT NULL,
	"actor_user_id" integer,
	"until" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"subscription_id" integer NOT NULL,
	"subscriber_id" integer NOT NULL,
	"kind" text NOT NULL,
	"status" "order_status" NOT NULL,
	"idempotency_key" text,
	"actor_user_id" integer,
	"reason" text,
	"from_config" jsonb NOT NULL,
	"to_config" jsonb NOT NULL,
	"effective_date" date NOT NULL,
	"total_cents" integer DEFAULT 0 NOT NULL,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_includes" (
	"plan_code" text NOT NULL,
	"add_on_code" text NOT NULL,
	CONSTRAINT "plan_includes_plan_code_add_on_code_pk" PRIMARY KEY("plan_code","add_on_code")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"monthly_cents" integer NOT NULL,
	"tier" smallint NOT NULL,
	"ld_minutes" integer,
	"status" "plan_status" NOT NULL,
	"sort_order" smallint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scheduled_changes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "scheduled_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"subscription_id" integer NOT NULL,
	"order_id" integer,
	"target_config" jsonb NOT NULL,
	"effective_date" date NOT NULL,
	"status" "scheduled_status" DEFAULT 'pending' NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_by" integer,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "subscribers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "subscribers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"account_number" text NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"phone" text NOT NULL,
	"phone_digits" text NOT NULL,
	"billing_day" smallint NOT NULL,
	"joined_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscribers_billing_day_range" CHECK ("subscribers"."billing_day" between 1 and 31)
);
--> statement-breakpoint
CREATE TABLE "subscription_add_ons" (
	"subscription_id" integer NOT NULL,
	"add_on_code" text NOT NULL,
	"added_on" date NOT NULL,
	CONSTRAINT "subscription_add_ons_subscription_id_add_on_code_pk" PRIMARY KEY("subscription_id","add_on_code")
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "subscriptions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"subscriber_id" integer NOT NULL,
	"plan_code" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_periods" (
	"subscriber_id" integer NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"ld_minutes" integer DEFAULT 0 NOT NULL,
	"intl_minutes" integer DEFAULT 0 NOT NULL,
	"unanswered_calls" integer DEFAULT 0 NOT NULL,
	"missed_while_busy" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_periods_subscriber_id_period_start_pk" PRIMARY KEY("subscriber_id","period_start")
);
--> statement-breakpoint
CREATE TABLE "usage_rates" (
	"code" text PRIMARY KEY NOT NULL,
	"cents_per_minute" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" "role" NOT NULL,
	"subscriber_id" integer,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_subscriber_role" CHECK (("users"."role" = 'subscriber') = ("users"."subscriber_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "add_on_availability" ADD CONSTRAINT "add_on_availability_add_on_code_add_ons_code_fk" FOREIGN KEY ("add_on_code") REFERENCES "public"."add_ons"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "add_on_availability" ADD CONSTRAINT "add_on_availability_plan_code_plans_code_fk" FOREIGN KEY ("plan_code") REFERENCES "public"."plans"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "add_on_excludes" ADD CONSTRAINT "add_on_excludes_add_on_code_add_ons_code_fk" FOREIGN KEY ("add_on_code") REFERENCES "public"."add_ons"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "add_on_excludes" ADD CONSTRAINT "add_on_excludes_excluded_code_add_ons_code_fk" FOREIGN KEY ("excluded_code") REFERENCES "public"."add_ons"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "add_on_requires" ADD CONSTRAINT "add_on_requires_add_on_code_add_ons_code_fk" FOREIGN KEY ("add_on_code") REFERENCES "public"."add_ons"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "add_on_requires" ADD CONSTRAINT "add_on_requires_required_code_add_ons_code_fk" FOREIGN KEY ("required_code") REFERENCES "public"."add_ons"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_notes" ADD CONSTRAINT "agent_notes_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_notes" ADD CONSTRAINT "agent_notes_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD CONSTRAINT "ledger_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD CONSTRAINT "ledger_lines_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_events" ADD CONSTRAINT "offer_events_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_events" ADD CONSTRAINT "offer_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_includes" ADD CONSTRAINT "plan_includes_plan_code_plans_code_fk" FOREIGN KEY ("plan_code") REFERENCES "public"."plans"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_includes" ADD CONSTRAINT "plan_includes_add_on_code_add_ons_code_fk" FOREIGN KEY ("add_on_code") REFERENCES "public"."add_ons"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_changes" ADD CONSTRAINT "scheduled_changes_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_changes" ADD CONSTRAINT "scheduled_changes_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_changes" ADD CONSTRAINT "scheduled_changes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_changes" ADD CONSTRAINT "scheduled_changes_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_add_ons" ADD CONSTRAINT "subscription_add_ons_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_add_ons" ADD CONSTRAINT "subscription_add_ons_add_on_code_add_ons_code_fk" FOREIGN KEY ("add_on_code") REFERENCES "public"."add_ons"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_plan_code_plans_code_fk" FOREIGN KEY ("plan_code") REFERENCES "public"."plans"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_periods" ADD CONSTRAINT "usage_periods_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_notes_subscriber_idx" ON "agent_notes" USING btree ("subscriber_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_subscriber_idx" ON "audit_events" USING btree ("subscriber_id","at");--> statement-breakpoint
CREATE INDEX "ledger_lines_bill_idx" ON "ledger_lines" USING btree ("subscription_id","bill_period_start");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_lines_recurring_once" ON "ledger_lines" USING btree ("subscription_id","bill_period_start","item_type","item_code") WHERE "ledger_lines"."kind" = 'recurring';--> statement-breakpoint
CREATE INDEX "login_attempts_email_idx" ON "login_attempts" USING btree ("email","at");--> statement-breakpoint
CREATE INDEX "login_attempts_client_idx" ON "login_attempts" USING btree ("client_address","at");--> statement-breakpoint
CREATE UNIQUE INDEX "offer_events_impression_once" ON "offer_events" USING btree ("subscriber_id","offer_key","day") WHERE "offer_events"."event_type" = 'impression';--> statement-breakpoint
CREATE INDEX "offer_events_subscriber_idx" ON "offer_events" USING btree ("subscriber_id","event_type");--> statement-breakpoint
CREATE INDEX "offer_events_day_idx" ON "offer_events" USING btree ("day");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_idempotency_key" ON "orders" USING btree ("subscription_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "orders_subscriber_created_idx" ON "orders" USING btree ("subscriber_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "scheduled_changes_one_pending" ON "scheduled_changes" USING btree ("subscription_id") WHERE "scheduled_changes"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "subscribers_account_number_key" ON "subscribers" USING btree ("account_number");--> statement-breakpoint
CREATE UNIQUE INDEX "subscribers_email_key" ON "subscribers" USING btree ("email");--> statement-breakpoint
CREATE INDEX "subscribers_phone_digits_idx" ON "subscribers" USING btree ("phone_digits");--> statement-breakpoint
CREATE INDEX "subscribers_lower_name_idx" ON "subscribers" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_subscriber_key" ON "subscriptions" USING btree ("subscriber_id");--> statement-breakpoint
CREATE INDEX "subscriptions_period_end_idx" ON "subscriptions" USING btree ("period_end");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "users_subscriber_id_key" ON "users" USING btree ("subscriber_id");