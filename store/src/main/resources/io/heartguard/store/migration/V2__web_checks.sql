-- Checks asked for through `heartguard serve`. One row per request that was queued; the result is the exact JSON
-- object `scan --json` prints for it (schema heartguard.scan/1), which never holds leaked bytes, only their count.
-- status: queued -> running -> done, or interrupted when the server stopped before the check finished.
CREATE TABLE web_check (
    check_id          VARCHAR(64)  NOT NULL,
    target_input      TEXT         NOT NULL,
    host              TEXT         NOT NULL,
    port              INTEGER      NOT NULL CHECK (port BETWEEN 1 AND 65535),
    protocol          VARCHAR(32)  NOT NULL,
    address           TEXT         NOT NULL,
    status            VARCHAR(16)  NOT NULL CHECK (status IN ('queued', 'running', 'done', 'interrupted')),
    verdict           VARCHAR(16)  CHECK (verdict IN ('VULNERABLE', 'NOT_VULNERABLE', 'INCONCLUSIVE')),
    result_json       TEXT,
    requested_at_ms   BIGINT       NOT NULL,
    finished_at_ms    BIGINT,
    PRIMARY KEY (check_id)
);

-- A host's history, newest first; the cache look-up of the latest finished check of (host, port, protocol).
CREATE INDEX web_check_host ON web_check (host, requested_at_ms);
-- The page of recent checks.
CREATE INDEX web_check_requested ON web_check (requested_at_ms);
-- Marking what a stopped server left unfinished.
CREATE INDEX web_check_status ON web_check (status);
