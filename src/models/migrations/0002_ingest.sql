CREATE TABLE "ingest_credentials" (
	"key" text PRIMARY KEY NOT NULL,
	"platform_id" text NOT NULL,
	"secret_hash" text NOT NULL,
	"label" text,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "source_events" (
	"platform_id" text NOT NULL,
	"source" text NOT NULL,
	"source_id" text NOT NULL,
	"seq" bigserial NOT NULL,
	"payload" jsonb NOT NULL,
	"stored_at" timestamp with time zone NOT NULL,
	"event_at" timestamp with time zone NOT NULL,
	"credential_key" text,
	"verb_id" text,
	"actor_key" text,
	"activity_id" text,
	"registration" text,
	"voids" text,
	"voided" boolean DEFAULT false NOT NULL,
	"kind" text,
	"ignored" text,
	"duration_seconds" double precision,
	"course_ref" jsonb,
	"person_ref" jsonb,
	"context_id" text,
	"user_id" text,
	CONSTRAINT "source_events_platform_id_source_source_id_pk" PRIMARY KEY("platform_id","source","source_id")
);
--> statement-breakpoint
CREATE TABLE "student_days" (
	"platform_id" text NOT NULL,
	"context_id" text NOT NULL,
	"user_id" text NOT NULL,
	"day" date NOT NULL,
	"visits" integer NOT NULL,
	"duration_seconds" integer NOT NULL,
	"actions" integer NOT NULL,
	"resources" integer NOT NULL,
	"activities" integer NOT NULL,
	"communication" integer NOT NULL,
	"threads" integer NOT NULL,
	"posts" integer NOT NULL,
	"comments" integer NOT NULL,
	"first_event_at" timestamp with time zone NOT NULL,
	"last_event_at" timestamp with time zone NOT NULL,
	CONSTRAINT "student_days_platform_id_context_id_user_id_day_pk" PRIMARY KEY("platform_id","context_id","user_id","day")
);
--> statement-breakpoint
CREATE TABLE "student_visits" (
	"platform_id" text NOT NULL,
	"context_id" text NOT NULL,
	"user_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_event_at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"events" integer NOT NULL,
	"duration_seconds" integer NOT NULL,
	"capped" boolean NOT NULL,
	CONSTRAINT "student_visits_platform_id_context_id_user_id_started_at_pk" PRIMARY KEY("platform_id","context_id","user_id","started_at")
);
--> statement-breakpoint
CREATE INDEX "ingest_credentials_platform" ON "ingest_credentials" USING btree ("platform_id");--> statement-breakpoint
CREATE UNIQUE INDEX "source_events_seq" ON "source_events" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "source_events_platform_seq" ON "source_events" USING btree ("platform_id","seq");--> statement-breakpoint
CREATE INDEX "source_events_person_time" ON "source_events" USING btree ("platform_id","context_id","user_id","event_at");--> statement-breakpoint
CREATE INDEX "source_events_voids" ON "source_events" USING btree ("platform_id","voids");--> statement-breakpoint
CREATE INDEX "source_events_unresolved" ON "source_events" USING btree ("platform_id") WHERE "source_events"."user_id" is null;--> statement-breakpoint
CREATE INDEX "student_days_course_day" ON "student_days" USING btree ("platform_id","context_id","day");