CREATE TABLE "student_totals" (
	"platform_id" text NOT NULL,
	"context_id" text NOT NULL,
	"user_id" text NOT NULL,
	"visits" bigint NOT NULL,
	"duration_seconds" bigint NOT NULL,
	"last_visit_at" timestamp with time zone,
	CONSTRAINT "student_totals_platform_id_context_id_user_id_pk" PRIMARY KEY("platform_id","context_id","user_id")
);
--> statement-breakpoint
-- Hand-written below (drizzle-kit does not model triggers). student_totals follows student_days
-- and student_visits through statement triggers, one upsert per statement, rows in key order so
-- that two writers lock them in the same order: inserted days add their sums and deleted days take
-- theirs away (an update does both); inserted visits can only move the last visit later, while
-- deleted or updated visits make it be looked up again (one step back on student_visits' primary key).
CREATE FUNCTION "student_totals_add_days"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO student_totals AS t (platform_id, context_id, user_id, visits, duration_seconds)
	SELECT platform_id, context_id, user_id, sum(visits), sum(duration_seconds) FROM new_days
	GROUP BY platform_id, context_id, user_id ORDER BY platform_id, context_id, user_id
	ON CONFLICT (platform_id, context_id, user_id)
	DO UPDATE SET visits = t.visits + excluded.visits, duration_seconds = t.duration_seconds + excluded.duration_seconds;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "student_totals_remove_days"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO student_totals AS t (platform_id, context_id, user_id, visits, duration_seconds)
	SELECT platform_id, context_id, user_id, -sum(visits), -sum(duration_seconds) FROM old_days
	GROUP BY platform_id, context_id, user_id ORDER BY platform_id, context_id, user_id
	ON CONFLICT (platform_id, context_id, user_id)
	DO UPDATE SET visits = t.visits + excluded.visits, duration_seconds = t.duration_seconds + excluded.duration_seconds;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "student_totals_change_days"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO student_totals AS t (platform_id, context_id, user_id, visits, duration_seconds)
	SELECT platform_id, context_id, user_id, sum(visits), sum(duration_seconds)
	FROM (SELECT platform_id, context_id, user_id, visits, duration_seconds FROM new_days
	      UNION ALL SELECT platform_id, context_id, user_id, -visits, -duration_seconds FROM old_days) AS delta
	GROUP BY platform_id, context_id, user_id ORDER BY platform_id, context_id, user_id
	ON CONFLICT (platform_id, context_id, user_id)
	DO UPDATE SET visits = t.visits + excluded.visits, duration_seconds = t.duration_seconds + excluded.duration_seconds;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "student_totals_clear_days"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE student_totals SET visits = 0, duration_seconds = 0;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "student_totals_add_visits"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO student_totals AS t (platform_id, context_id, user_id, visits, duration_seconds, last_visit_at)
	SELECT platform_id, context_id, user_id, 0, 0, max(started_at) FROM new_visits
	GROUP BY platform_id, context_id, user_id ORDER BY platform_id, context_id, user_id
	ON CONFLICT (platform_id, context_id, user_id)
	DO UPDATE SET last_visit_at = greatest(t.last_visit_at, excluded.last_visit_at);
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "student_totals_recheck_removed_visits"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO student_totals AS t (platform_id, context_id, user_id, visits, duration_seconds, last_visit_at)
	SELECT k.platform_id, k.context_id, k.user_id, 0, 0,
	       (SELECT max(v.started_at) FROM student_visits v WHERE v.platform_id = k.platform_id AND v.context_id = k.context_id AND v.user_id = k.user_id)
	FROM (SELECT DISTINCT platform_id, context_id, user_id FROM old_visits) AS k
	ORDER BY k.platform_id, k.context_id, k.user_id
	ON CONFLICT (platform_id, context_id, user_id) DO UPDATE SET last_visit_at = excluded.last_visit_at;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "student_totals_recheck_changed_visits"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO student_totals AS t (platform_id, context_id, user_id, visits, duration_seconds, last_visit_at)
	SELECT k.platform_id, k.context_id, k.user_id, 0, 0,
	       (SELECT max(v.started_at) FROM student_visits v WHERE v.platform_id = k.platform_id AND v.context_id = k.context_id AND v.user_id = k.user_id)
	FROM (SELECT platform_id, context_id, user_id FROM old_visits UNION SELECT platform_id, context_id, user_id FROM new_visits) AS k
	ORDER BY k.platform_id, k.context_id, k.user_id
	ON CONFLICT (platform_id, context_id, user_id) DO UPDATE SET last_visit_at = excluded.last_visit_at;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "student_totals_clear_visits"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE student_totals SET last_visit_at = NULL;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "student_days_totals_insert" AFTER INSERT ON "student_days" REFERENCING NEW TABLE AS new_days FOR EACH STATEMENT EXECUTE FUNCTION "student_totals_add_days"();--> statement-breakpoint
CREATE TRIGGER "student_days_totals_delete" AFTER DELETE ON "student_days" REFERENCING OLD TABLE AS old_days FOR EACH STATEMENT EXECUTE FUNCTION "student_totals_remove_days"();--> statement-breakpoint
CREATE TRIGGER "student_days_totals_update" AFTER UPDATE ON "student_days" REFERENCING OLD TABLE AS old_days NEW TABLE AS new_days FOR EACH STATEMENT EXECUTE FUNCTION "student_totals_change_days"();--> statement-breakpoint
CREATE TRIGGER "student_days_totals_truncate" AFTER TRUNCATE ON "student_days" FOR EACH STATEMENT EXECUTE FUNCTION "student_totals_clear_days"();--> statement-breakpoint
CREATE TRIGGER "student_visits_totals_insert" AFTER INSERT ON "student_visits" REFERENCING NEW TABLE AS new_visits FOR EACH STATEMENT EXECUTE FUNCTION "student_totals_add_visits"();--> statement-breakpoint
CREATE TRIGGER "student_visits_totals_delete" AFTER DELETE ON "student_visits" REFERENCING OLD TABLE AS old_visits FOR EACH STATEMENT EXECUTE FUNCTION "student_totals_recheck_removed_visits"();--> statement-breakpoint
CREATE TRIGGER "student_visits_totals_update" AFTER UPDATE ON "student_visits" REFERENCING OLD TABLE AS old_visits NEW TABLE AS new_visits FOR EACH STATEMENT EXECUTE FUNCTION "student_totals_recheck_changed_visits"();--> statement-breakpoint
CREATE TRIGGER "student_visits_totals_truncate" AFTER TRUNCATE ON "student_visits" FOR EACH STATEMENT EXECUTE FUNCTION "student_totals_clear_visits"();--> statement-breakpoint
-- What was stored before this migration (the triggers above already hold both tables' locks).
INSERT INTO student_totals (platform_id, context_id, user_id, visits, duration_seconds, last_visit_at)
SELECT platform_id, context_id, user_id, coalesce(d.visits, 0), coalesce(d.duration_seconds, 0), v.last_visit_at
FROM (SELECT platform_id, context_id, user_id, sum(visits) AS visits, sum(duration_seconds) AS duration_seconds FROM student_days GROUP BY platform_id, context_id, user_id) AS d
FULL JOIN (SELECT platform_id, context_id, user_id, max(started_at) AS last_visit_at FROM student_visits GROUP BY platform_id, context_id, user_id) AS v
USING (platform_id, context_id, user_id);
