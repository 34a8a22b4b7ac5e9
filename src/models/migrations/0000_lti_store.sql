CREATE TABLE "lti_store" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"collection" text NOT NULL,
	"doc" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "lti_store_doc" ON "lti_store" USING gin ("doc" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "lti_store_collection_expiry" ON "lti_store" USING btree ("collection","expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "lti_store_nonce" ON "lti_store" USING btree (("doc"->>'nonce')) WHERE "lti_store"."collection" = 'nonce';--> statement-breakpoint
CREATE UNIQUE INDEX "lti_store_state" ON "lti_store" USING btree (("doc"->>'state')) WHERE "lti_store"."collection" = 'state';