CREATE TABLE "report_views" (
	"platform_id" text NOT NULL,
	"context_id" text NOT NULL,
	"id" bigserial NOT NULL,
	"viewed_at" timestamp with time zone NOT NULL,
	"viewer_user_id" text NOT NULL,
	"viewer_roles" text[] NOT NULL,
	"student_user_id" text,
	"view" text NOT NULL,
	"request_id" text,
	CONSTRAINT "report_views_platform_id_context_id_id_pk" PRIMARY KEY("platform_id","context_id","id")
);
--> statement-breakpoint
CREATE INDEX "report_views_course_time" ON "report_views" USING btree ("platform_id","context_id","viewed_at");--> statement-breakpoint
CREATE INDEX "report_views_time" ON "report_views" USING btree ("viewed_at");
