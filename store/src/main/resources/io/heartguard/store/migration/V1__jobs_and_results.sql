-- heartguard's results database. One set of migrations serves SQLite and PostgreSQL, so only types and syntax both
-- accept appear here: VARCHAR, TEXT, INTEGER, BIGINT, BOOLEAN, CHECK, composite keys, plain indexes.
-- Times are BIGINT milliseconds since 1970-01-01T00:00Z (columns end in _ms): SQLite has no timestamp type, and
-- integers compare, sort and round-trip the same on both engines.

-- A named scan job. The target stream is regenerated from target_spec and seed (both the scanner's to interpret);
-- every target whose position in that stream is below high_water has a row in scan_result. high_water is updated in
-- the same transaction as the rows that move it.
CREATE TABLE scan_job (
    job_id          VARCHAR(200) NOT NULL,
    target_spec     TEXT         NOT NULL,
    seed            BIGINT       NOT NULL,
    target_count    BIGINT       NOT NULL DEFAULT -1,
    high_water      BIGINT       NOT NULL DEFAULT 0,
    created_at_ms   BIGINT       NOT NULL,
    updated_at_ms   BIGINT       NOT NULL,
    finished_at_ms  BIGINT,
    PRIMARY KEY (job_id)
);

-- One checked target. seq is its 0-based position in the job's target stream. Leaked bytes are never stored, only
-- counted. Nullable columns are the facts the check did not get far enough to learn.
CREATE TABLE scan_result (
    job_id                        VARCHAR(200) NOT NULL REFERENCES scan_job (job_id),
    seq                           BIGINT       NOT NULL,
    target_input                  TEXT         NOT NULL,
    host                          TEXT         NOT NULL,
    port                          INTEGER      NOT NULL CHECK (port BETWEEN 1 AND 65535),
    address                       TEXT,
    protocol                      TEXT         NOT NULL,
    tls_version                   TEXT,
    cipher                        TEXT,
    heartbeat_mode                TEXT,
    verdict                       VARCHAR(16)  NOT NULL CHECK (verdict IN ('VULNERABLE', 'NOT_VULNERABLE', 'INCONCLUSIVE')),
    reason                        TEXT         NOT NULL,
    bytes_leaked                  BIGINT       NOT NULL CHECK (bytes_leaked >= 0),
    cert_subject                  TEXT,
    cert_issuer                   TEXT,
    cert_not_before_ms            BIGINT,
    cert_not_after_ms             BIGINT,
    cert_issued_after_disclosure  BOOLEAN,
    elapsed_ms                    BIGINT       NOT NULL,
    checked_at_ms                 BIGINT       NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- isDone(job, host, address, port) for scanners that do not number their targets.
CREATE INDEX scan_result_target ON scan_result (job_id, host, port);
-- The report's counts and its list of vulnerable servers.
CREATE INDEX scan_result_verdict ON scan_result (job_id, verdict);
