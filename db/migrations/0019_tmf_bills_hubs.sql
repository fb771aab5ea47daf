CREATE TABLE "customer_bill_requests" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "customer_bill_requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"client_id" text,
	"billing_account_id" text NOT NULL,
	"subscriber_id" integer,
	"name" text,
	"description" text,
	"state" text NOT NULL,
	"reason" text,
	"requested_on" date NOT NULL,
	"last_bill_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_listeners" ADD COLUMN "client_id" text;--> statement-breakpoint
ALTER TABLE "webhook_listeners" ADD COLUMN "api" text;--> statement-breakpoint
ALTER TABLE "webhook_listeners" ADD COLUMN "query" text;--> statement-breakpoint
ALTER TABLE "customer_bill_requests" ADD CONSTRAINT "customer_bill_requests_client_id_api_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."api_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_bill_requests" ADD CONSTRAINT "customer_bill_requests_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_bill_requests_subscriber_idx" ON "customer_bill_requests" USING btree ("subscriber_id");--> statement-breakpoint
ALTER TABLE "webhook_listeners" ADD CONSTRAINT "webhook_listeners_client_id_api_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."api_clients"("id") ON DELETE no action ON UPDATE no action;