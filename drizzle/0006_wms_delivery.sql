CREATE TABLE "alerts" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"message" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	CONSTRAINT "alerts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "delivery_orders" (
	"tenant_id" text NOT NULL,
	"code" text NOT NULL,
	"order_id" text NOT NULL,
	"warehouse_code" text NOT NULL,
	"status" text NOT NULL,
	"lines" jsonb NOT NULL,
	"decision" jsonb NOT NULL,
	"work_day" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"last_error" text,
	"wms_id" text,
	"carrier" text,
	"tracking_no" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"shipped_at" timestamp with time zone,
	"notice_status" text,
	"notice_attempts" integer DEFAULT 0 NOT NULL,
	"notice_next_at" timestamp with time zone,
	"notice_lease_until" timestamp with time zone,
	"notice_error" text,
	CONSTRAINT "delivery_orders_tenant_id_code_pk" PRIMARY KEY("tenant_id","code")
);
--> statement-breakpoint
CREATE TABLE "warehouse_loads" (
	"tenant_id" text NOT NULL,
	"warehouse_code" text NOT NULL,
	"work_day" text NOT NULL,
	"delivery_orders" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "warehouse_loads_tenant_id_warehouse_code_work_day_pk" PRIMARY KEY("tenant_id","warehouse_code","work_day")
);
--> statement-breakpoint
CREATE TABLE "wms_inbound" (
	"tenant_id" text NOT NULL,
	"warehouse_code" text NOT NULL,
	"out_biz_code" text NOT NULL,
	"method" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "wms_inbound_tenant_id_warehouse_code_out_biz_code_pk" PRIMARY KEY("tenant_id","warehouse_code","out_biz_code")
);
--> statement-breakpoint
CREATE TABLE "routing_settings" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"strategy" text DEFAULT 'nearest' NOT NULL,
	"channel_strategies" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"allow_split" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "division_code" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "latitude" double precision;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "longitude" double precision;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "coverage" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "channels" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "excluded_skus" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "daily_capacity" integer;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "cut_off" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "wms_protocol" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "wms_url" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "wms_app_key" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "wms_app_secret_sealed" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "wms_customer_id" text;--> statement-breakpoint
CREATE INDEX "alerts_open" ON "alerts" USING btree ("tenant_id","raised_at") WHERE "alerts"."acknowledged_at" is null;--> statement-breakpoint
CREATE INDEX "delivery_orders_order" ON "delivery_orders" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "delivery_orders_due" ON "delivery_orders" USING btree ("next_attempt_at") WHERE "delivery_orders"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "delivery_orders_status" ON "delivery_orders" USING btree ("tenant_id","status","updated_at");--> statement-breakpoint
CREATE INDEX "delivery_orders_notice_due" ON "delivery_orders" USING btree ("notice_next_at") WHERE "delivery_orders"."notice_status" = 'due';