-- Hand-written (drizzle-kit's meta is not touched by this change). The web origins a platform's
-- launches come from, learnt from its signed launches (launch_presentation.return_url) and the
-- launch POST's Origin header: with the issuer's origin they are the only pages that may frame
-- CoursePulse's pages of that platform's courses (Content-Security-Policy frame-ancestors).
-- Canvas frames tools at the institution's host (school.instructure.com), not at its issuer.
CREATE TABLE "platform_origins" (
	"platform_id" text NOT NULL,
	"origin" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "platform_origins_platform_id_origin_pk" PRIMARY KEY("platform_id","origin")
);
