CREATE TABLE "test_clocks" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "test_clocks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"frozen_time" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "test_fixtures" (
	"subscriber_id" integer PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"clock_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "test_fixtures" ADD CONSTRAINT "test_fixtures_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "test_fixtures" ADD CONSTRAINT "test_fixtures_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "test_fixtures" ADD CONSTRAINT "test_fixtures_clock_id_test_clocks_id_fk" FOREIGN KEY ("clock_id") REFERENCES "public"."test_clocks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "test_fixtures_clock_idx" ON "test_fixtures" USING btree ("clock_id");--> statement-breakpoint
CREATE UNIQUE INDEX "test_fixtures_user_key" ON "test_fixtures" USING btree ("user_id");