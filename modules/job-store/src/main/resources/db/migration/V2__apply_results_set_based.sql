-- apply_results() as one UPDATE per batch instead of one per id (docs/job-store.md, "Writing a
-- batch"). Same signature and meaning as version 1, so a replica of the previous version keeps
-- working during a rolling upgrade. One UPDATE per id paid the executor's start-up over every day
-- partition for each id: 484 us of PostgreSQL CPU per job whose results came in a later batch than
-- its record, against 92 us when they came together (StoreBenchmark, BENCHMARKS.md), and a sink
-- behind a burst reads nearly everything that way. Hash and merge joins are off inside the function
-- so that each id is looked up through the primary key of its partitions, never by hashing whole
-- partitions (what made the first set-based fold slow). The batch's ids are distinct (the sink
-- folds a job's results of one batch into one entry).
CREATE OR REPLACE FUNCTION apply_results(p_ids text[], p_states text[], p_by text[], p_reasons text[],
                              p_finished timestamptz[], p_outcomes text[], p_began boolean[], p_since timestamptz)
    RETURNS TABLE (missing text)
    LANGUAGE sql
    SET enable_hashjoin = off
    SET enable_mergejoin = off
AS $$
    WITH batch AS (
        SELECT * FROM unnest(p_ids, p_states, p_by, p_reasons, p_finished, p_outcomes, p_began)
            AS b(id, state, delivered_by, reason, finished_at, outcome, began)
    ), applied AS (
        UPDATE jobs j SET
            state = CASE WHEN j.state IN ('delivered', 'failed') THEN j.state
                         WHEN b.state IS NOT NULL THEN b.state
                         WHEN b.began THEN 'in_flight' ELSE j.state END,
            delivered_by = CASE WHEN j.state IN ('delivered', 'failed') OR b.state IS NULL THEN j.delivered_by
                                ELSE b.delivered_by END,
            reason = CASE WHEN j.state IN ('delivered', 'failed') OR b.state IS NULL THEN j.reason
                          ELSE b.reason END,
            finished_at = CASE WHEN j.state IN ('delivered', 'failed') OR b.state IS NULL THEN j.finished_at
                               ELSE b.finished_at END,
            last_outcome = COALESCE(b.outcome, j.last_outcome)
          FROM batch b
         WHERE j.id = b.id AND j.accepted_at >= p_since
           AND (j.state NOT IN ('delivered', 'failed') OR j.last_outcome IS DISTINCT FROM COALESCE(b.outcome, j.last_outcome))
        RETURNING j.id
    )
    -- Every data-modifying WITH runs to completion; the rows it changed are not visible to this
    -- query's snapshot, which only asks whether each id has a row at all.
    SELECT b.id FROM batch b
     WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = b.id AND j.accepted_at >= p_since)
$$;
