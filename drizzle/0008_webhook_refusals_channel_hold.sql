CREATE TABLE "channel_webhook_refusals" (
	"tenant_id" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"reason" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "channel_webhook_refusals_tenant_id_window_start_channel_reason_pk" PRIMARY KEY("tenant_id","window_start","channel","reason")
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "channel_hold" text;