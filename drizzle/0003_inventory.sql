CREATE TABLE "inventory_settings" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"shortage_policy" text DEFAULT 'exception' NOT NULL,
	"reservation_ttl" jsonb DEFAULT '{"*":{"unpaid":1800,"paid":null}}'::jsonb NOT NULL,
	"push_sla_seconds" integer DEFAULT 300 NOT NULL,
	"reconcile_at" text DEFAULT '02:00' NOT NULL,
	"reconcile_threshold_bp" integer DEFAULT 300 NOT NULL,
	"score_weight_accuracy" integer DEFAULT 70 NOT NULL,
	"score_weight_oversell" integer DEFAULT 30 NOT NULL,
	"pause_below_score" integer DEFAULT 70 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oversells" (
	"tenant_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "oversells_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel" text NOT NULL,
	"shop_id" text NOT NULL,
	"order_id" text NOT NULL,
	"short_units" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "oversells_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "reservations" (
	"tenant_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "reservations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"sku" text NOT NULL,
	"warehouse_code" text NOT NULL,
	"quantity" integer NOT NULL,
	"status" text NOT NULL,
	"channel" text NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	CONSTRAINT "reservations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "reservations_quantity_positive" CHECK ("reservations"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "sku_stock_settings" (
	"tenant_id" text NOT NULL,
	"sku" text NOT NULL,
	"safety_stock" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sku_stock_settings_tenant_id_sku_pk" PRIMARY KEY("tenant_id","sku"),
	CONSTRAINT "sku_stock_settings_safety_nonnegative" CHECK ("sku_stock_settings"."safety_stock" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock_levels" (
	"tenant_id" text NOT NULL,
	"sku" text NOT NULL,
	"warehouse_code" text NOT NULL,
	"on_hand" integer DEFAULT 0 NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"safety_stock" integer,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stock_levels_tenant_id_sku_warehouse_code_pk" PRIMARY KEY("tenant_id","sku","warehouse_code"),
	CONSTRAINT "stock_levels_on_hand_nonnegative" CHECK ("stock_levels"."on_hand" >= 0),
	CONSTRAINT "stock_levels_reserved_nonnegative" CHECK ("stock_levels"."reserved" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock_movements" (
	"tenant_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "stock_movements_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"sku" text NOT NULL,
	"warehouse_code" text NOT NULL,
	"kind" text NOT NULL,
	"on_hand_delta" integer NOT NULL,
	"reserved_delta" integer NOT NULL,
	"reason" text NOT NULL,
	"reference" text,
	"actor_kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "stock_movements_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "reconciliation_runs" (
	"tenant_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "reconciliation_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"warehouse_code" text NOT NULL,
	"business_date" date NOT NULL,
	"snapshot_id" bigint,
	"outcome" text NOT NULL,
	"skus_compared" integer DEFAULT 0 NOT NULL,
	"count_tasks_opened" integer DEFAULT 0 NOT NULL,
	"ran_at" timestamp with time zone NOT NULL,
	CONSTRAINT "reconciliation_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "stock_count_tasks" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"warehouse_code" text NOT NULL,
	"sku" text NOT NULL,
	"status" text NOT NULL,
	"run_id" bigint,
	"book_qty" integer NOT NULL,
	"physical_qty" integer NOT NULL,
	"difference_bp" integer NOT NULL,
	"counted_qty" integer,
	"correction_movement_id" bigint,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" text,
	"note" text,
	CONSTRAINT "stock_count_tasks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "stock_snapshot_lines" (
	"tenant_id" text NOT NULL,
	"snapshot_id" bigint NOT NULL,
	"sku" text NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "stock_snapshot_lines_tenant_id_snapshot_id_sku_pk" PRIMARY KEY("tenant_id","snapshot_id","sku")
);
--> statement-breakpoint
CREATE TABLE "stock_snapshots" (
	"tenant_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "stock_snapshots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"warehouse_code" text NOT NULL,
	"source" text NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stock_snapshots_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "inventory_health_days" (
	"tenant_id" text NOT NULL,
	"channel" text NOT NULL,
	"day" date NOT NULL,
	"accurate" boolean NOT NULL,
	"oversell_count" integer NOT NULL,
	"stale_pushes" integer DEFAULT 0 NOT NULL,
	"drift_skus" integer DEFAULT 0 NOT NULL,
	"detail" jsonb,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "inventory_health_days_tenant_id_channel_day_pk" PRIMARY KEY("tenant_id","channel","day")
);
--> statement-breakpoint
CREATE TABLE "listing_pauses" (
	"tenant_id" text NOT NULL,
	"channel" text NOT NULL,
	"paused" boolean NOT NULL,
	"reason" text,
	"paused_at" timestamp with time zone,
	"cleared_at" timestamp with time zone,
	"cleared_by" text,
	"weekly_scores" jsonb,
	CONSTRAINT "listing_pauses_tenant_id_channel_pk" PRIMARY KEY("tenant_id","channel")
);
--> statement-breakpoint
CREATE TABLE "channel_listings" (
	"tenant_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"sku" text NOT NULL,
	"channel" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_listings_tenant_id_shop_id_sku_pk" PRIMARY KEY("tenant_id","shop_id","sku")
);
--> statement-breakpoint
CREATE TABLE "stock_pushes" (
	"tenant_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"sku" text NOT NULL,
	"channel" text NOT NULL,
	"due_at" timestamp with time zone,
	"change_seq" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_pushed_qty" integer,
	"last_pushed_at" timestamp with time zone,
	"last_error" text,
	"failing_since" timestamp with time zone,
	"channel_qty" integer,
	"channel_qty_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stock_pushes_tenant_id_shop_id_sku_pk" PRIMARY KEY("tenant_id","shop_id","sku")
);
--> statement-breakpoint
CREATE TABLE "stock_sync_rules" (
	"tenant_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"sku" text DEFAULT '*' NOT NULL,
	"percent" integer DEFAULT 100 NOT NULL,
	"plus" integer DEFAULT 0 NOT NULL,
	"min_qty" integer,
	"max_qty" integer,
	"warehouse_codes" text[],
	"fixed_quota" integer,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stock_sync_rules_tenant_id_shop_id_sku_pk" PRIMARY KEY("tenant_id","shop_id","sku")
);
--> statement-breakpoint
CREATE TABLE "warehouses" (
	"tenant_id" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"priority" integer DEFAULT 100 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "warehouses_tenant_id_code_pk" PRIMARY KEY("tenant_id","code")
);
--> statement-breakpoint
CREATE INDEX "oversells_channel_at_idx" ON "oversells" USING btree ("tenant_id","channel","at");--> statement-breakpoint
CREATE INDEX "reservations_order_idx" ON "reservations" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "reservations_due_idx" ON "reservations" USING btree ("expires_at") WHERE "reservations"."status" = 'active' and "reservations"."expires_at" is not null;--> statement-breakpoint
CREATE INDEX "stock_movements_level_idx" ON "stock_movements" USING btree ("tenant_id","sku","warehouse_code","id");--> statement-breakpoint
CREATE INDEX "stock_movements_reference_idx" ON "stock_movements" USING btree ("tenant_id","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "reconciliation_runs_day_key" ON "reconciliation_runs" USING btree ("tenant_id","warehouse_code","business_date");--> statement-breakpoint
CREATE INDEX "stock_count_tasks_status_idx" ON "stock_count_tasks" USING btree ("tenant_id","status","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stock_count_tasks_one_open" ON "stock_count_tasks" USING btree ("tenant_id","warehouse_code","sku") WHERE "stock_count_tasks"."status" = 'open';--> statement-breakpoint
CREATE INDEX "stock_snapshots_wh_idx" ON "stock_snapshots" USING btree ("tenant_id","warehouse_code","taken_at");--> statement-breakpoint
CREATE INDEX "channel_listings_sku_idx" ON "channel_listings" USING btree ("tenant_id","sku");--> statement-breakpoint
CREATE INDEX "stock_pushes_due_idx" ON "stock_pushes" USING btree ("due_at") WHERE "stock_pushes"."due_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "warehouses_one_default" ON "warehouses" USING btree ("tenant_id") WHERE "warehouses"."is_default";