CREATE TABLE "course_days" (
	"platform_id" text NOT NULL,
	"context_id" text NOT NULL,
	"day" date NOT NULL,
	"visits" integer NOT NULL,
	"visitors" integer NOT NULL,
	"duration_seconds" bigint NOT NULL,
	"actions" integer NOT NULL,
	"resources" integer NOT NULL,
	"activities" integer NOT NULL,
	"communication" integer NOT NULL,
	"threads" integer NOT NULL,
	"posts" integer NOT NULL,
	"comments" integer NOT NULL,
	CONSTRAINT "course_days_platform_id_context_id_day_pk" PRIMARY KEY("platform_id","context_id","day")
);
--> statement-breakpoint
CREATE TABLE "derived_settings" (
	"name" text PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"platform_id" text NOT NULL,
	"file_key" text NOT NULL,
	"file_name" text NOT NULL,
	"bytes_total" bigint NOT NULL,
	"bytes_done" bigint NOT NULL,
	"statements_read" bigint NOT NULL,
	"summary" jsonb NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "import_runs_platform_id_file_key_pk" PRIMARY KEY("platform_id","file_key")
);
