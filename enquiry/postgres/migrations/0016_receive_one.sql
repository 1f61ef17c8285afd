-- 0016: one message to its customer's open enquiry, in one plain statement.
--
-- socialdesk_receive_batch costs about 0.2 ms of the database's CPU
-- however few its messages (its plan has a dozen nodes to start and
-- finish), and socialdesk_receive returns the whole message it stored.
-- socialdesk_receive_one does what the joining branch of
-- socialdesk_receive does, in one statement: one probe of
-- messages_external, the update of the open enquiry (the fields Receive
-- owns, last_seq by one) and the insert of the message. It returns
-- whether the message is already recorded for its customer (then it
-- wrote nothing), whether another customer's message has its external ID,
-- and the enquiry as after the message with the message's seq; no
-- enquiry when the customer has none open (it wrote nothing either). The
-- store then receives the message with socialdesk_receive, which opens
-- an enquiry or returns the recorded message. A few of these in one
-- pipeline cost less than a batch in socialdesk_receive_batch
-- (BENCHMARKS.md, issue 22).
CREATE FUNCTION socialdesk_receive_one(
	p_channel text, p_customer text, p_customer_name text, p_read_only boolean,
	p_reply_handle text, p_reply_at timestamptz, p_last_activity timestamptz,
	m_id text, m_direction text, m_author_kind text, m_author_id text,
	m_at timestamptz, m_content jsonb, m_external_id text, m_batch text,
	m_delivery_state text, m_delivery_reason text, m_delivery_request_id text,
	m_delivery_at timestamptz, m_delivery_attempts integer,
	m_lease_until timestamptz, m_unsent boolean
) RETURNS TABLE (r_duplicate boolean, r_reused boolean, r_seq bigint, r_enquiry enquiries)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
	RETURN QUERY
	WITH p AS (
		-- The literal external_id <> '' lets the generic plan use the
		-- partial index; with no external ID both are NULL.
		SELECT bool_or(m.customer = p_customer) AS mine, bool_or(m.customer <> p_customer) AS other
		FROM messages m
		WHERE m.channel = p_channel AND m.external_id = m_external_id AND m.external_id <> ''
	), u AS (
		UPDATE enquiries e SET
			last_seq = e.last_seq + 1,
			customer_name = CASE WHEN p_customer_name <> '' THEN p_customer_name ELSE e.customer_name END,
			read_only = p_read_only,
			reply_handle = CASE WHEN p_reply_handle <> '' THEN p_reply_handle ELSE e.reply_handle END,
			reply_at = CASE WHEN p_reply_handle <> '' THEN p_reply_at ELSE e.reply_at END,
			last_activity = GREATEST(e.last_activity, p_last_activity)
		WHERE e.channel = p_channel AND e.customer = p_customer AND e.state <> 'closed'
			AND (SELECT p.mine FROM p) IS NOT TRUE
		RETURNING e
	), i AS (
		INSERT INTO messages (id, enquiry, channel, seq, direction, author_kind, author_id,
			at, content, external_id, batch, delivery_state, delivery_reason,
			delivery_request_id, delivery_at, delivery_attempts, lease_until, unsent,
			customer)
		SELECT m_id, (u.e).id, p_channel, (u.e).last_seq, m_direction, m_author_kind, m_author_id,
			m_at, m_content, m_external_id, m_batch, m_delivery_state, m_delivery_reason,
			m_delivery_request_id, m_delivery_at, m_delivery_attempts, m_lease_until, m_unsent,
			p_customer
		FROM u
	)
	-- i runs to completion though nothing reads it.
	SELECT coalesce(p.mine, false), coalesce(p.other, false), (u.e).last_seq, u.e
	FROM p LEFT JOIN u ON true;
END
$$;
