CREATE TABLE "channel_dead_letters" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"channel" text NOT NULL,
	"shop_ref" text NOT NULL,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"body_sha256" text NOT NULL,
	"body_bytes" integer NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_dead_letters_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "channel_pull_cursors" (
	"tenant_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"pulled_to" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"last_error" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_pull_cursors_tenant_id_shop_id_pk" PRIMARY KEY("tenant_id","shop_id")
);
--> statement-breakpoint
CREATE TABLE "channel_received_messages" (
	"tenant_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"message_id" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_received_messages_tenant_id_shop_id_message_id_pk" PRIMARY KEY("tenant_id","shop_id","message_id")
);
