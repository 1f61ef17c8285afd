-- 0015: a batch of Receive calls in one statement.
--
-- A batch used to be a pipeline of socialdesk_receive calls, each its
-- own statement, PL/pgSQL call and full enquiry and message rows to
-- return. socialdesk_receive_batch takes the batch as arrays, one element
-- per message in order of arrival, and joins the messages to their
-- customers' open enquiries with one statement for all of them: one probe
-- of messages_external per message with an external ID, one update per
-- enquiry, one insert of all the messages. It opens no enquiry, and
-- returns no row for a message whose customer has none open or that is
-- already recorded for its customer: the store receives those with
-- socialdesk_receive after the batch commits. For a joined message it
-- returns its place in the arrays (r_ord), whether another customer's
-- message had its external ID, its seq, and the fields Receive owns as
-- they are after it (as if the batch's messages ran one after the other);
-- the whole enquiry only on the enquiry's first message of the batch, as
-- it was before. The store knows the rest of the message: it sent it.
--
-- Its statements are planned once per session (force_generic_plan): a
-- custom plan for each call's arrays cost more than a small batch's work.
CREATE FUNCTION socialdesk_receive_batch(
	p_channel text[], p_customer text[], p_customer_name text[], p_read_only boolean[],
	p_reply_handle text[], p_reply_at timestamptz[], p_last_activity timestamptz[],
	m_id text[], m_direction text[], m_author_kind text[], m_author_id text[],
	m_at timestamptz[], m_content jsonb[], m_external_id text[], m_batch text[],
	m_delivery_state text[], m_delivery_reason text[], m_delivery_request_id text[],
	m_delivery_at timestamptz[], m_delivery_attempts integer[],
	m_lease_until timestamptz[], m_unsent boolean[]
) RETURNS TABLE (r_ord bigint, r_reused boolean, r_seq bigint,
	r_customer_name text, r_read_only boolean, r_reply_handle text, r_reply_at timestamptz,
	r_last_activity timestamptz, r_enquiry enquiries)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
	v_locked text[];
BEGIN
	-- Lock the open enquiries the messages join, in one order, so that
	-- batches running at once never deadlock: byte order (COLLATE "C"),
	-- the order in which the store's pipelines lock them (strings.Compare),
	-- whatever the database's collation. Only these are joined: an
	-- enquiry opened since is left to socialdesk_receive.
	SELECT array_agg(l.id) INTO v_locked FROM (
		SELECT e.id FROM enquiries e
		WHERE (e.channel, e.customer) IN (SELECT k.c, k.u FROM unnest(p_channel, p_customer) k(c, u))
			AND e.state <> 'closed'
		ORDER BY e.channel COLLATE "C", e.customer COLLATE "C"
		FOR UPDATE
	) l;

	-- A new statement, a new snapshot: it sees what the lock waited for.
	RETURN QUERY
	WITH inp AS (
		SELECT * FROM unnest(p_channel, p_customer, p_customer_name, p_read_only,
			p_reply_handle, p_reply_at, p_last_activity,
			m_id, m_direction, m_author_kind, m_author_id, m_at, m_content, m_external_id, m_batch,
			m_delivery_state, m_delivery_reason, m_delivery_request_id, m_delivery_at,
			m_delivery_attempts, m_lease_until, m_unsent) WITH ORDINALITY
			AS i(channel, customer, customer_name, read_only, reply_handle, reply_at, last_activity,
			id, direction, author_kind, author_id, at, content, external_id, batch,
			delivery_state, delivery_reason, delivery_request_id, delivery_at,
			delivery_attempts, lease_until, unsent, ord)
	), fresh AS (
		-- The messages that join an enquiry, the k-th of n of theirs in
		-- the batch, with the enquiry's fields as they are after each.
		-- One probe of messages_external, as in socialdesk_receive: is the
		-- ID this customer's (a duplicate, left out) or another's (reused)?
		SELECT i.*, e AS enq, e.id AS enquiry, coalesce(p.other, false) AS reused,
			count(*) OVER w AS k,
			count(*) OVER (PARTITION BY e.id) AS n,
			e.last_seq + count(*) OVER w AS seq,
			coalesce((array_agg(i.customer_name) FILTER (WHERE i.customer_name <> '') OVER w)
				[count(*) FILTER (WHERE i.customer_name <> '') OVER w], e.customer_name) AS cur_name,
			coalesce((array_agg(i.reply_handle) FILTER (WHERE i.reply_handle <> '') OVER w)
				[count(*) FILTER (WHERE i.reply_handle <> '') OVER w], e.reply_handle) AS cur_handle,
			CASE WHEN count(*) FILTER (WHERE i.reply_handle <> '') OVER w > 0
				THEN (array_agg(i.reply_at) FILTER (WHERE i.reply_handle <> '') OVER w)
					[count(*) FILTER (WHERE i.reply_handle <> '') OVER w]
				ELSE e.reply_at END AS cur_reply_at,
			GREATEST(e.last_activity, max(i.last_activity) OVER w) AS cur_activity
		FROM inp i
		JOIN enquiries e ON e.channel = i.channel AND e.customer = i.customer
			AND e.state <> 'closed' AND e.id = ANY (v_locked)
		LEFT JOIN LATERAL (
			SELECT bool_or(m.customer = i.customer) AS mine, bool_or(m.customer <> i.customer) AS other
			FROM messages m
			WHERE m.channel = i.channel AND m.external_id = i.external_id AND m.external_id <> ''
		) p ON i.external_id <> ''
		WHERE p.mine IS NOT TRUE
		WINDOW w AS (PARTITION BY e.id ORDER BY i.ord)
	), upd AS (
		-- Each enquiry as after its last message of the batch; Receive's
		-- fields only, so the version stays.
		UPDATE enquiries e SET
			last_seq = f.seq,
			customer_name = f.cur_name,
			read_only = f.read_only,
			reply_handle = f.cur_handle,
			reply_at = f.cur_reply_at,
			last_activity = f.cur_activity
		FROM fresh f
		WHERE e.id = f.enquiry AND f.k = f.n
	), ins AS (
		INSERT INTO messages (id, enquiry, channel, seq, direction, author_kind, author_id,
			at, content, external_id, batch, delivery_state, delivery_reason,
			delivery_request_id, delivery_at, delivery_attempts, lease_until, unsent,
			customer)
		SELECT f.id, f.enquiry, f.channel, f.seq, f.direction, f.author_kind, f.author_id,
			f.at, f.content, f.external_id, f.batch, f.delivery_state, f.delivery_reason,
			f.delivery_request_id, f.delivery_at, f.delivery_attempts, f.lease_until, f.unsent,
			f.customer
		FROM fresh f
	)
	-- upd and ins run to completion though nothing reads them.
	SELECT f.ord, f.reused, f.seq, f.cur_name, f.read_only, f.cur_handle, f.cur_reply_at,
		f.cur_activity, CASE WHEN f.k = 1 THEN f.enq END
	FROM fresh f;
END
$$;
