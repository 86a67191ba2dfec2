-- claim_jobs() with new ids claimed by one INSERT per batch (docs/job-store.md, "Claims"). Same
-- signature and outcomes as version 1, so a replica of the previous version keeps working during a
-- rolling upgrade. Version 1 ran claim_job() for every id: a lock, a lookup and an INSERT, each a
-- statement started over every day partition, for each id. Now every id's lock is taken first, in
-- sorted order (two replicas claiming overlapping sets still take them in the same order and never
-- deadlock); one lookup finds the ids that have a claim inside the window, and those (repeats, in
-- doubt, recoveries: the rare case) are decided by claim_job() one at a time as before, under the
-- lock they already hold; every other id is new and is claimed by one INSERT. The ids are distinct
-- (the caller's contract, as before).
CREATE OR REPLACE FUNCTION claim_jobs(p_ids text[], p_accounts text[], p_topics text[], p_documents jsonb[], p_owner text,
                           p_window interval, p_recover_after interval)
    RETURNS TABLE (id text, outcome text, account text, document jsonb)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_id    text;
    v_taken text[];
    i       integer;
BEGIN
    FOR v_id IN SELECT o.v FROM unnest(p_ids) AS o(v) ORDER BY o.v LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended('claim:' || v_id, 0));
    END LOOP;
    SELECT array_agg(DISTINCT j.id) INTO v_taken
      FROM job_claims j
     WHERE j.id = ANY (p_ids) AND j.claimed_at > now() - p_window;
    RETURN QUERY
    WITH fresh AS (
        INSERT INTO job_claims (id, claimed_at, updated_at, account, topic, state, document, owner)
        SELECT b.id, now(), now(), b.account, b.topic, 'claimed', b.document, p_owner
          FROM unnest(p_ids, p_accounts, p_topics, p_documents) AS b(id, account, topic, document)
         WHERE v_taken IS NULL OR NOT (b.id = ANY (v_taken))
        RETURNING job_claims.id, job_claims.account, job_claims.document
    )
    SELECT f.id, 'claimed'::text, f.account, f.document FROM fresh f;
    IF v_taken IS NOT NULL THEN
        FOR i IN SELECT o.i FROM unnest(p_ids) WITH ORDINALITY AS o(v, i) WHERE o.v = ANY (v_taken) ORDER BY o.v LOOP
            RETURN QUERY SELECT p_ids[i], c.outcome, c.account, c.document
                           FROM claim_job(p_ids[i], p_accounts[i], p_topics[i], p_documents[i], p_owner, p_window,
                                          p_recover_after) c;
        END LOOP;
    END IF;
END
$$;
