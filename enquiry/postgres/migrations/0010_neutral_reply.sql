-- 0010: the columns named after one platform get channel-neutral names,
-- as the Go fields did (enquiry.Reply, Enquiry.ReadOnly): a reply token is
-- one platform's reply handle, and standby one platform's way of saying
-- the desk may only read the conversation. Values are kept as they are.

ALTER TABLE enquiries RENAME COLUMN standby TO read_only;
ALTER TABLE enquiries RENAME COLUMN reply_token TO reply_handle;
ALTER TABLE enquiries RENAME COLUMN reply_token_at TO reply_at;
ALTER TABLE messages RENAME COLUMN reply_token TO reply_handle;
ALTER TABLE messages RENAME COLUMN reply_token_at TO reply_at;

-- socialdesk_receive names the columns in its body and its parameters
-- after them; parameter names cannot change in place, so it is dropped
-- and created again, doing what 0008's did.
DROP FUNCTION socialdesk_receive(text, text, text, text, text, text, text[], boolean,
	jsonb, integer, text[], timestamptz, text, boolean, text, timestamptz,
	timestamptz, timestamptz, timestamptz, timestamptz,
	text, text, text, text, timestamptz, jsonb, text, text,
	text, text, text, timestamptz, integer, timestamptz, boolean);

CREATE FUNCTION socialdesk_receive(
	p_id text, p_channel text, p_customer text, p_customer_name text,
	p_state text, p_staff text, p_invited text[], p_direct boolean,
	p_plan jsonb, p_step integer, p_ringing text[], p_deadline timestamptz,
	p_timer text, p_read_only boolean, p_reply_handle text,
	p_reply_at timestamptz, p_opened timestamptz, p_updated timestamptz,
	p_closed timestamptz, p_last_activity timestamptz,
	m_id text, m_direction text, m_author_kind text, m_author_id text,
	m_at timestamptz, m_content jsonb, m_external_id text, m_batch text,
	m_delivery_state text, m_delivery_reason text, m_delivery_request_id text,
	m_delivery_at timestamptz, m_delivery_attempts integer,
	m_lease_until timestamptz, m_unsent boolean
) RETURNS TABLE (r_enquiry enquiries, r_message messages, r_opened boolean, r_duplicate boolean, r_reused boolean)
LANGUAGE plpgsql AS $$
DECLARE
	v_e enquiries;
	v_m messages;
BEGIN
	r_opened := false;
	r_duplicate := false;
	r_reused := false;
	IF m_external_id <> '' THEN
		-- One probe of messages_external: this customer's message with
		-- the ID if there is one, else any other customer's. The literal
		-- external_id <> '' lets the cached (generic) plan use the
		-- partial index.
		SELECT * INTO v_m FROM messages m
		WHERE m.channel = p_channel AND m.external_id = m_external_id AND m.external_id <> ''
		ORDER BY m.customer = p_customer DESC
		LIMIT 1;
		IF FOUND AND v_m.customer = p_customer THEN
			SELECT * INTO v_e FROM enquiries e WHERE e.id = v_m.enquiry;
			r_enquiry := v_e; r_message := v_m; r_duplicate := true;
			RETURN NEXT;
			RETURN;
		END IF;
		r_reused := FOUND;
	END IF;

	LOOP
		-- Join the open enquiry: the fields Receive owns. Update leaves
		-- them alone, so this does not change the version.
		UPDATE enquiries e SET
			last_seq = e.last_seq + 1,
			customer_name = CASE WHEN p_customer_name <> '' THEN p_customer_name ELSE e.customer_name END,
			read_only = p_read_only,
			reply_handle = CASE WHEN p_reply_handle <> '' THEN p_reply_handle ELSE e.reply_handle END,
			reply_at = CASE WHEN p_reply_handle <> '' THEN p_reply_at ELSE e.reply_at END,
			last_activity = GREATEST(e.last_activity, p_last_activity)
		WHERE e.channel = p_channel AND e.customer = p_customer AND e.state <> 'closed'
		RETURNING * INTO v_e;
		EXIT WHEN FOUND;

		-- Or open one. A concurrent opener makes this wait for its commit,
		-- then do nothing; the next turn of the loop joins its enquiry.
		INSERT INTO enquiries AS e (id, channel, customer, customer_name, state, staff,
			invited, direct, plan, step, ringing, deadline, timer, read_only,
			reply_handle, reply_at, opened, updated, closed, last_activity,
			version, last_seq)
		VALUES (p_id, p_channel, p_customer, p_customer_name, p_state, p_staff,
			p_invited, p_direct, p_plan, p_step, p_ringing, p_deadline, p_timer, p_read_only,
			p_reply_handle, p_reply_at, p_opened, p_updated, p_closed, p_last_activity,
			1, 1)
		ON CONFLICT (channel, customer) WHERE state <> 'closed' DO NOTHING
		RETURNING * INTO v_e;
		IF FOUND THEN
			r_opened := true;
			IF p_state <> '' THEN
				INSERT INTO transitions (enquiry, to_state, actor, at, note)
				VALUES (p_id, p_state, 'customer', p_opened, 'opened');
			END IF;
			EXIT;
		END IF;
	END LOOP;

	INSERT INTO messages (id, enquiry, channel, seq, direction, author_kind, author_id,
		at, content, external_id, batch, delivery_state, delivery_reason,
		delivery_request_id, delivery_at, delivery_attempts, lease_until, unsent,
		customer)
	VALUES (m_id, v_e.id, p_channel, v_e.last_seq, m_direction, m_author_kind, m_author_id,
		m_at, m_content, m_external_id, m_batch, m_delivery_state, m_delivery_reason,
		m_delivery_request_id, m_delivery_at, m_delivery_attempts, m_lease_until, m_unsent,
		p_customer)
	RETURNING * INTO v_m;

	r_enquiry := v_e; r_message := v_m;
	RETURN NEXT;
END
$$;
