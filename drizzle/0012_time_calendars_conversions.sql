CREATE TABLE "business_calendars" (
	"tenant_id" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"country" text NOT NULL,
	"region" text,
	"time_zone" text NOT NULL,
	"hours" jsonb NOT NULL,
	"official" boolean DEFAULT true NOT NULL,
	"imported_years" integer[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "business_calendars_tenant_id_code_pk" PRIMARY KEY("tenant_id","code")
);
--> statement-breakpoint
CREATE TABLE "calendar_days" (
	"tenant_id" text NOT NULL,
	"calendar_code" text NOT NULL,
	"date" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"hours" jsonb,
	"source" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "calendar_days_tenant_id_calendar_code_date_pk" PRIMARY KEY("tenant_id","calendar_code","date")
);
--> statement-breakpoint
CREATE TABLE "time_conversions" (
	"tenant_id" text NOT NULL,
	"order_id" text NOT NULL,
	"boundary" text NOT NULL,
	"fingerprint" text NOT NULL,
	"subject" text,
	"conversions" jsonb NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "time_conversions_tenant_id_order_id_boundary_fingerprint_pk" PRIMARY KEY("tenant_id","order_id","boundary","fingerprint")
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "receiver_time_zone" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "country" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "calendar_code" text;