CREATE TABLE "delivery_attempts" (
	"tenant_id" text NOT NULL,
	"delivery_code" text NOT NULL,
	"id" text NOT NULL,
	"target" text NOT NULL,
	"outcome" text NOT NULL,
	"error" text,
	"latency_ms" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "delivery_attempts_tenant_id_delivery_code_id_pk" PRIMARY KEY("tenant_id","delivery_code","id")
);
--> statement-breakpoint
ALTER TABLE "wms_inbound" DROP CONSTRAINT "wms_inbound_tenant_id_warehouse_code_out_biz_code_pk";--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "warehouse_code" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "order_id" text;--> statement-breakpoint
ALTER TABLE "delivery_orders" ADD COLUMN "failing_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "wms_inbound" ADD COLUMN "subject" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "wms_inbound" ADD COLUMN "digest" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "wms_inbound" ADD CONSTRAINT "wms_inbound_tenant_id_warehouse_code_out_biz_code_subject_pk" PRIMARY KEY("tenant_id","warehouse_code","out_biz_code","subject");--> statement-breakpoint
CREATE INDEX "alerts_subject" ON "alerts" USING btree ("tenant_id","subject","kind");