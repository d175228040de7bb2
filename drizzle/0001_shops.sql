CREATE TABLE "shops" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"channel" text NOT NULL,
	"name" text NOT NULL,
	"channel_shop_id" text NOT NULL,
	"app_key" text NOT NULL,
	"app_secret_sealed" text NOT NULL,
	"access_token_sealed" text,
	"refresh_token_sealed" text,
	"api_base_url" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "shops_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "shops_channel_shop_key" ON "shops" USING btree ("tenant_id","channel","channel_shop_id");