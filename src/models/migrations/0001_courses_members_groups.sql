CREATE TABLE "courses" (
	"platform_id" text NOT NULL,
	"context_id" text NOT NULL,
	"deployment_id" text NOT NULL,
	"title" text,
	"label" text,
	"timezone" text,
	"memberships_url" text,
	"groups_service" jsonb,
	"custom" jsonb,
	"first_launch_at" timestamp with time zone NOT NULL,
	"last_launch_at" timestamp with time zone NOT NULL,
	"last_used_at" timestamp with time zone NOT NULL,
	"roster_synced_at" timestamp with time zone,
	"roster_attempted_at" timestamp with time zone,
	"roster_error" text,
	CONSTRAINT "courses_platform_id_context_id_pk" PRIMARY KEY("platform_id","context_id")
);
--> statement-breakpoint
CREATE TABLE "group_members" (
	"platform_id" text NOT NULL,
	"context_id" text NOT NULL,
	"group_id" text NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "group_members_platform_id_context_id_group_id_user_id_pk" PRIMARY KEY("platform_id","context_id","group_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"platform_id" text NOT NULL,
	"context_id" text NOT NULL,
	"group_id" text NOT NULL,
	"source" text NOT NULL,
	"external_id" text,
	"name" text NOT NULL,
	"set_id" text,
	"set_name" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "groups_platform_id_context_id_group_id_pk" PRIMARY KEY("platform_id","context_id","group_id"),
	CONSTRAINT "groups_source" CHECK ("groups"."source" in ('lti-gs', 'canvas', 'coursepulse'))
);
--> statement-breakpoint
CREATE TABLE "launches" (
	"platform_id" text NOT NULL,
	"context_id" text NOT NULL,
	"id" bigserial NOT NULL,
	"user_id" text NOT NULL,
	"roles" text[] NOT NULL,
	"resource_link_id" text,
	"launched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "launches_platform_id_context_id_id_pk" PRIMARY KEY("platform_id","context_id","id")
);
--> statement-breakpoint
CREATE TABLE "members" (
	"platform_id" text NOT NULL,
	"context_id" text NOT NULL,
	"user_id" text NOT NULL,
	"name" text,
	"given_name" text,
	"family_name" text,
	"email" text,
	"picture" text,
	"roles" text[] NOT NULL,
	"status" text NOT NULL,
	"sourced_id" text,
	"left_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "members_platform_id_context_id_user_id_pk" PRIMARY KEY("platform_id","context_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_platform_id_context_id_group_id_groups_platform_id_context_id_group_id_fk" FOREIGN KEY ("platform_id","context_id","group_id") REFERENCES "public"."groups"("platform_id","context_id","group_id") ON DELETE cascade ON UPDATE no action;