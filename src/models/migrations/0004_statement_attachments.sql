CREATE TABLE "statement_attachments" (
	"platform_id" text NOT NULL,
	"sha2" text NOT NULL,
	"content_type" text NOT NULL,
	"length" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"stored_at" timestamp with time zone NOT NULL,
	CONSTRAINT "statement_attachments_platform_id_sha2_pk" PRIMARY KEY("platform_id","sha2")
);
