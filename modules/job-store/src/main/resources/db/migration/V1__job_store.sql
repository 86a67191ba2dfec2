-- The job store (docs/job-store.md). Every table that grows with traffic is partitioned by day
-- (UTC) on a time column, so retention drops whole partitions and never deletes rows one by one.
-- Partitions are created ahead and dropped by store_upkeep(), which the scheduler replicas call.
-- The runtime role (${runtime_role}) reads and writes rows; only the owner changes the schema.

-- One row per accepted job, from its region record (written by the sink, keyed by the record's
-- id and accept time, so reading a record twice changes nothing).
CREATE TABLE jobs (
    id              text        NOT NULL,
    accepted_at     timestamptz NOT NULL,
    account         text        NOT NULL,
    region          text        NOT NULL,
    host            text        NOT NULL,
    state           text        NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'in_flight', 'delivered', 'failed')),
    delivered_by    text,
    reason          text,
    last_outcome    text,
    finished_at     timestamptz,
    retry_of        text,
    resolution      jsonb,
    policy          jsonb,
    topic           text        NOT NULL,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    PRIMARY KEY (id, accepted_at)
) PARTITION BY RANGE (accepted_at);

-- Listing newest first, alone or by account or host; failed jobs for redrive; what is not final yet.
CREATE INDEX jobs_newest ON jobs (accepted_at, id);
CREATE INDEX jobs_by_account ON jobs (account, accepted_at, id);
CREATE INDEX jobs_by_host ON jobs (host, accepted_at, id);
CREATE INDEX jobs_failed ON jobs (accepted_at, id) WHERE state = 'failed';
CREATE INDEX jobs_not_final ON jobs (region, state) WHERE state IN ('queued', 'in_flight');
CREATE INDEX jobs_retries ON jobs (retry_of) WHERE retry_of IS NOT NULL;

-- One row per attempt (attempt events, and the last attempt a final event carries), keyed by
-- where its results record is: applied twice, it is one row. A worker's 'started' event is a row
-- with started = true (it makes the job in flight even when read before the job's own record).
CREATE TABLE attempts (
    job_id            text        NOT NULL,
    recorded_at       timestamptz NOT NULL,
    results_partition integer     NOT NULL,
    results_offset    bigint      NOT NULL,
    url               text,
    target            text,
    attempt           integer,
    outcome           text,
    status            integer,
    reason            text,
    started_at        text,
    duration_ms       bigint,
    started           boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (recorded_at, results_partition, results_offset)
) PARTITION BY RANGE (recorded_at);
CREATE INDEX attempts_by_job ON attempts (job_id);

-- Every final event, the first and any later duplicate (a re-delivery after a worker crash): the
-- job's row takes the first by record time; later ones stay here, never overwrite it.
CREATE TABLE outcomes (
    job_id            text        NOT NULL,
    recorded_at       timestamptz NOT NULL,
    results_partition integer     NOT NULL,
    results_offset    bigint      NOT NULL,
    region            text,
    state             text        NOT NULL,
    delivered_by      text,
    reason            text,
    PRIMARY KEY (recorded_at, results_partition, results_offset)
) PARTITION BY RANGE (recorded_at);
CREATE INDEX outcomes_by_job ON outcomes (job_id);

-- Results read before their job's record (a backfill, partitions read at different paces): the
-- job's arrival folds them in. A work list, normally empty; notes older than the retention (results
-- of a record that never became a job) are forgotten.
CREATE TABLE orphan_results (
    job_id   text        PRIMARY KEY,
    noted_at timestamptz NOT NULL
);

-- Sets the state of each job of p_ids from what the store holds of it: the first final outcome by
-- record time (a final job never changes state again, unless p_from_scratch: its row was written
-- before some of its results were known), else in flight once a worker started or attempted it;
-- and the outcome of its newest attempt. One id at a time, each lookup by id through an index
-- (a set-based UPDATE let the planner hash whole partitions). Returns the ids that have no job
-- row yet (their results were read first).
CREATE FUNCTION fold_jobs(p_ids text[], p_since timestamptz, p_from_scratch boolean)
    RETURNS TABLE (missing text)
    LANGUAGE plpgsql AS $$
DECLARE
    v_id       text;
    v_state    text;
    v_by       text;
    v_reason   text;
    v_at       timestamptz;
    v_outcome  text;
    v_began    boolean;
BEGIN
    FOREACH v_id IN ARRAY p_ids LOOP
        v_state := NULL; v_by := NULL; v_reason := NULL; v_at := NULL; v_outcome := NULL;
        -- OFFSET 0 keeps the lookup by job id: without it, ORDER BY ... LIMIT 1 tempts the planner to walk
        -- the (recorded_at, ...) key in order until a row of this job turns up, a whole partition.
        SELECT o.state, o.delivered_by, o.reason, o.recorded_at INTO v_state, v_by, v_reason, v_at
          FROM (SELECT * FROM outcomes WHERE job_id = v_id AND recorded_at >= p_since OFFSET 0) o
         ORDER BY o.recorded_at, o.results_partition, o.results_offset LIMIT 1;
        SELECT a.outcome INTO v_outcome
          FROM (SELECT * FROM attempts WHERE job_id = v_id AND recorded_at >= p_since AND NOT started OFFSET 0) a
         ORDER BY a.recorded_at DESC, a.results_partition DESC, a.results_offset DESC LIMIT 1;
        v_began := FOUND OR EXISTS (SELECT 1 FROM attempts s WHERE s.job_id = v_id AND s.recorded_at >= p_since
                                                             AND s.started);
        UPDATE jobs j SET
            state = CASE WHEN NOT p_from_scratch AND j.state IN ('delivered', 'failed') THEN j.state
                         WHEN v_state IS NOT NULL THEN v_state
                         WHEN v_began THEN 'in_flight' ELSE j.state END,
            delivered_by = CASE WHEN (NOT p_from_scratch AND j.state IN ('delivered', 'failed')) OR v_state IS NULL
                                THEN j.delivered_by ELSE v_by END,
            reason = CASE WHEN (NOT p_from_scratch AND j.state IN ('delivered', 'failed')) OR v_state IS NULL
                          THEN j.reason ELSE v_reason END,
            finished_at = CASE WHEN (NOT p_from_scratch AND j.state IN ('delivered', 'failed')) OR v_state IS NULL
                               THEN j.finished_at ELSE v_at END,
            last_outcome = COALESCE(v_outcome, j.last_outcome)
         WHERE j.id = v_id AND j.accepted_at >= p_since - interval '1 day'
           AND (p_from_scratch OR j.state NOT IN ('delivered', 'failed')
                OR j.last_outcome IS DISTINCT FROM COALESCE(v_outcome, j.last_outcome));
        IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = v_id
                                                           AND j.accepted_at >= p_since - interval '1 day') THEN
            missing := v_id;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;

-- Applies what one sink batch says of jobs whose rows already exist (one UPDATE by id each): a
-- job not yet final takes the batch's final outcome, or becomes in flight once begun; its newest
-- attempt's outcome is kept. The batch's results of one job are in order (they share a results
-- partition, keyed by job id), so its first final is the job's first unless the row is final
-- already (then it stays). Returns the ids that have no job row yet.
CREATE FUNCTION apply_results(p_ids text[], p_states text[], p_by text[], p_reasons text[],
                              p_finished timestamptz[], p_outcomes text[], p_began boolean[], p_since timestamptz)
    RETURNS TABLE (missing text)
    LANGUAGE plpgsql AS $$
DECLARE
    i integer;
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
        UPDATE jobs j SET
            state = CASE WHEN j.state IN ('delivered', 'failed') THEN j.state
                         WHEN p_states[i] IS NOT NULL THEN p_states[i]
                         WHEN p_began[i] THEN 'in_flight' ELSE j.state END,
            delivered_by = CASE WHEN j.state IN ('delivered', 'failed') OR p_states[i] IS NULL THEN j.delivered_by
                                ELSE p_by[i] END,
            reason = CASE WHEN j.state IN ('delivered', 'failed') OR p_states[i] IS NULL THEN j.reason
                          ELSE p_reasons[i] END,
            finished_at = CASE WHEN j.state IN ('delivered', 'failed') OR p_states[i] IS NULL THEN j.finished_at
                               ELSE p_finished[i] END,
            last_outcome = COALESCE(p_outcomes[i], j.last_outcome)
         WHERE j.id = p_ids[i] AND j.accepted_at >= p_since
           AND (j.state NOT IN ('delivered', 'failed') OR j.last_outcome IS DISTINCT FROM COALESCE(p_outcomes[i], j.last_outcome));
        IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = p_ids[i] AND j.accepted_at >= p_since) THEN
            missing := p_ids[i];
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;

-- The idempotency ledger: a client's id is claimed here before its record is produced, so that
-- it is published once across every replica (docs/job-store.md, "Claims").
CREATE TABLE job_claims (
    id          text        NOT NULL,
    claimed_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    account     text        NOT NULL,
    topic       text        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('claimed', 'published')),
    document    jsonb       NOT NULL,
    owner       text        NOT NULL,
    recoveries  integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (id, claimed_at)
) PARTITION BY RANGE (claimed_at);

-- Which store this is: the sink's consumer group is named after it, so two stores fed from one
-- Kafka cluster (a new store, tests) each read every record, and replicas of one store share one group.
CREATE TABLE store_identity (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at timestamptz NOT NULL DEFAULT now(),
    singleton  boolean     NOT NULL UNIQUE DEFAULT true CHECK (singleton)
);
INSERT INTO store_identity DEFAULT VALUES;

-- Up to when the sink has read each partition it reads: a claim whose record never reached Kafka
-- can only be told apart from one not read yet once every partition of its topic is read past it.
CREATE TABLE sink_progress (
    topic        text        NOT NULL,
    partition    integer     NOT NULL,
    caught_up_at timestamptz NOT NULL,
    PRIMARY KEY (topic, partition)
);

-- Claims an id (see docs/job-store.md): 'claimed' (publish it now), 'repeat' (published before:
-- answer with document), 'in_doubt' (claimed by a replica that has not confirmed the publish:
-- ask again later), 'recovered' (such a claim whose record provably never reached Kafka: publish
-- it now). Serialised per id by a transaction-scoped advisory lock, so two replicas claiming one id
-- at the same moment get one 'claimed' and one of the others.
CREATE FUNCTION claim_job(p_id text, p_account text, p_topic text, p_document jsonb, p_owner text,
                          p_window interval, p_recover_after interval)
    RETURNS TABLE (outcome text, account text, document jsonb)
    LANGUAGE plpgsql AS $$
DECLARE
    c         job_claims%ROWTYPE;
    watermark timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('claim:' || p_id, 0));
    SELECT * INTO c FROM job_claims j
     WHERE j.id = p_id AND j.claimed_at > now() - p_window
     ORDER BY j.claimed_at DESC LIMIT 1;
    IF NOT FOUND THEN
        INSERT INTO job_claims (id, claimed_at, updated_at, account, topic, state, document, owner)
        VALUES (p_id, now(), now(), p_account, p_topic, 'claimed', p_document, p_owner);
        RETURN QUERY SELECT 'claimed'::text, p_account, p_document;
        RETURN;
    END IF;
    IF c.state = 'published' THEN
        RETURN QUERY SELECT 'repeat'::text, c.account, c.document;
        RETURN;
    END IF;
    -- Claimed but not confirmed: the sink may have seen the record (the replica died after Kafka
    -- acknowledged it, before it confirmed).
    IF EXISTS (SELECT 1 FROM jobs WHERE jobs.id = p_id AND jobs.accepted_at > c.claimed_at - interval '1 hour') THEN
        UPDATE job_claims SET state = 'published', updated_at = now() WHERE id = c.id AND claimed_at = c.claimed_at;
        RETURN QUERY SELECT 'repeat'::text, c.account, c.document;
        RETURN;
    END IF;
    -- Its publisher gave up long ago (producers time out before p_recover_after) and the sink has
    -- read every partition of its topic past that point without finding it: it never made it.
    IF c.updated_at < now() - p_recover_after THEN
        SELECT min(s.caught_up_at) INTO watermark FROM sink_progress s WHERE s.topic = c.topic;
        IF watermark IS NOT NULL AND watermark > c.updated_at + p_recover_after THEN
            UPDATE job_claims
               SET owner = p_owner, updated_at = now(), account = p_account, topic = p_topic, document = p_document,
                   recoveries = recoveries + 1
             WHERE id = c.id AND claimed_at = c.claimed_at;
            RETURN QUERY SELECT 'recovered'::text, p_account, p_document;
            RETURN;
        END IF;
    END IF;
    RETURN QUERY SELECT 'in_doubt'::text, c.account, c.document;
END
$$;

-- claim_job() for many ids in one round trip: each id as claim_job() decides. The ids are taken in
-- sorted order, so two replicas claiming overlapping sets take the per-id locks in the same order
-- and never deadlock.
CREATE FUNCTION claim_jobs(p_ids text[], p_accounts text[], p_topics text[], p_documents jsonb[], p_owner text,
                           p_window interval, p_recover_after interval)
    RETURNS TABLE (id text, outcome text, account text, document jsonb)
    LANGUAGE plpgsql AS $$
DECLARE
    i integer;
BEGIN
    FOR i IN SELECT o.i FROM unnest(p_ids) WITH ORDINALITY AS o(v, i) ORDER BY o.v LOOP
        RETURN QUERY SELECT p_ids[i], c.outcome, c.account, c.document
                       FROM claim_job(p_ids[i], p_accounts[i], p_topics[i], p_documents[i], p_owner, p_window,
                                      p_recover_after) c;
    END LOOP;
END
$$;

-- Creates the day partitions from (today - keep_days) to (today + days_ahead) of every partitioned
-- table and drops those entirely older than their retention. Runs with the owner's rights (the
-- runtime role may not change the schema itself); one caller at a time (advisory lock).
-- Returns how many partitions it created and dropped, and how many days ahead now exist.
CREATE FUNCTION store_upkeep(p_retention_days integer, p_claim_days integer, p_days_ahead integer)
    RETURNS TABLE (created integer, dropped integer, days_ahead integer)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t        text;
    keep     integer;
    d        date;
    name     text;
    n_new    integer := 0;
    n_gone   integer := 0;
    p        record;
    ahead    integer;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtextextended('store_upkeep', 0)) THEN
        RETURN QUERY SELECT 0, 0, -1;
        RETURN;
    END IF;
    FOREACH t IN ARRAY ARRAY['jobs', 'attempts', 'outcomes', 'job_claims'] LOOP
        keep := CASE WHEN t = 'job_claims' THEN p_claim_days ELSE p_retention_days END;
        FOR i IN -keep .. p_days_ahead LOOP
            d := (now() AT TIME ZONE 'UTC')::date + i;
            name := t || '_p' || to_char(d, 'YYYYMMDD');
            IF to_regclass(name) IS NULL THEN
                EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', name, t,
                               d::text || ' 00:00:00+00', (d + 1)::text || ' 00:00:00+00');
                n_new := n_new + 1;
            END IF;
        END LOOP;
        FOR p IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                  WHERE i.inhparent = t::regclass LOOP
            CONTINUE WHEN right(p.relname, 8) !~ '^[0-9]{8}$';
            d := to_date(right(p.relname, 8), 'YYYYMMDD');
            -- Dropped once the whole day is older than the retention: rows stay at least that long.
            IF d + 1 <= (now() AT TIME ZONE 'UTC')::date - keep THEN
                EXECUTE format('DROP TABLE %I', p.relname);
                n_gone := n_gone + 1;
            END IF;
        END LOOP;
    END LOOP;
    -- CASE, not AND: the planner may evaluate a condition on catalogue rows of other relations first,
    -- and only names ending in a date can be read as one.
    SELECT count(*)::integer - 1 INTO ahead FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'jobs'::regclass
       AND CASE WHEN right(c.relname, 8) ~ '^[0-9]{8}$'
                THEN to_date(right(c.relname, 8), 'YYYYMMDD') >= (now() AT TIME ZONE 'UTC')::date
                ELSE false END;
    RETURN QUERY SELECT n_new, n_gone, ahead;
END
$$;

DO $$
BEGIN
    IF '${runtime_role}' <> current_user THEN
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON jobs, attempts, outcomes, sink_progress TO %I', '${runtime_role}');
        EXECUTE format('GRANT SELECT ON store_identity TO %I', '${runtime_role}');
        EXECUTE format('GRANT SELECT, INSERT, DELETE ON orphan_results TO %I', '${runtime_role}');
        EXECUTE format('GRANT EXECUTE ON FUNCTION fold_jobs(text[], timestamptz, boolean) TO %I', '${runtime_role}');
        EXECUTE format('GRANT EXECUTE ON FUNCTION apply_results(text[], text[], text[], text[], timestamptz[], text[],'
                       ' boolean[], timestamptz) TO %I', '${runtime_role}');
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON job_claims TO %I', '${runtime_role}');
        EXECUTE format('GRANT EXECUTE ON FUNCTION claim_job(text, text, text, jsonb, text, interval, interval) TO %I',
                       '${runtime_role}');
        EXECUTE format('GRANT EXECUTE ON FUNCTION claim_jobs(text[], text[], text[], jsonb[], text, interval, interval)'
                       ' TO %I', '${runtime_role}');
        EXECUTE format('GRANT EXECUTE ON FUNCTION store_upkeep(integer, integer, integer) TO %I', '${runtime_role}');
    END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION store_upkeep(integer, integer, integer) FROM PUBLIC;
