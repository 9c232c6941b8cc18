-- Rounds of periodic work that one replica does for all (the notification reconciliation): a replica
-- claims a round by moving last_run_at forward, so replicas that share the database do not all run it.
CREATE TABLE scheduled_runs (
    name TEXT PRIMARY KEY,
    last_run_at BIGINT NOT NULL,
    run_by TEXT NOT NULL
);
