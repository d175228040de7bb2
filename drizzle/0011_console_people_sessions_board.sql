CREATE TABLE "group_members" (
	"tenant_id" text NOT NULL,
	"group_code" text NOT NULL,
	"person_id" text NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	CONSTRAINT "group_members_tenant_id_group_code_person_id_pk" PRIMARY KEY("tenant_id","group_code","person_id")
);
--> statement-breakpoint
CREATE TABLE "login_links" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"person_id" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "login_links_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "people" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"login" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text,
	"created_at" timestamp with time zone NOT NULL,
	"disabled_at" timestamp with time zone,
	CONSTRAINT "people_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"person_id" text NOT NULL,
	"secret_hash" text NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "sessions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE INDEX "group_members_person_idx" ON "group_members" USING btree ("tenant_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "people_login_key" ON "people" USING btree ("tenant_id","login");--> statement-breakpoint
CREATE INDEX "sessions_person_idx" ON "sessions" USING btree ("tenant_id","person_id");--> statement-breakpoint
CREATE INDEX "orders_board_idx" ON "orders" USING btree ("tenant_id","process_by","id") WHERE status in ('paid', 'allocated', 'routed', 'pushed', 'on_hold', 'exception');