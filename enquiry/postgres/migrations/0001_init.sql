-- 0001: the desk's tables, their invariants, and the receive function.
--
-- Times are timestamptz (microseconds); NULL stands for Go's zero time.
-- Every table is keyed so that the invariants of enquiry.Store hold under
-- any number of desk instances writing at once.

-- Channels. Credentials hold the JSON {"secret":…,"token":…} as given by
-- Options.Encrypt (as plain JSON when the host sets no hook).
CREATE TABLE channels (
	id             text PRIMARY KEY,
	name           text NOT NULL,
	kind           text NOT NULL,
	account        text NOT NULL DEFAULT '',
	credentials    bytea,
	routing        jsonb,
	auto_messages  jsonb NOT NULL,
	custom_info    text NOT NULL DEFAULT '',
	custom_info_on boolean NOT NULL DEFAULT false,
	state          text NOT NULL,
	created        timestamptz,
	updated        timestamptz
);
-- One external account is connected to at most one channel.
CREATE UNIQUE INDEX channels_account ON channels (kind, account) WHERE account <> '';

-- The webhook's durable inbox; (channel, id) de-duplicates redeliveries.
CREATE TABLE events (
	channel  text NOT NULL,
	id       text NOT NULL,
	seq      bigint GENERATED ALWAYS AS IDENTITY,
	key      text NOT NULL,
	received timestamptz,
	payload  bytea NOT NULL,
	done     boolean NOT NULL DEFAULT false,
	PRIMARY KEY (channel, id)
);
CREATE INDEX events_pending ON events (seq) WHERE NOT done;

CREATE TABLE enquiries (
	id             text PRIMARY KEY,
	-- n is the order of opening, for listing.
	n              bigint GENERATED ALWAYS AS IDENTITY,
	-- A channel's enquiries, transcripts and transitions go with it.
	channel        text NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	customer       text NOT NULL,
	customer_name  text NOT NULL DEFAULT '',
	state          text NOT NULL,
	staff          text NOT NULL DEFAULT '',
	invited        text[],
	direct         boolean NOT NULL DEFAULT false,
	plan           jsonb NOT NULL,
	step           integer NOT NULL DEFAULT 0,
	ringing        text[],
	deadline       timestamptz,
	timer          text NOT NULL DEFAULT '',
	standby        boolean NOT NULL DEFAULT false,
	reply_token    text NOT NULL DEFAULT '',
	reply_token_at timestamptz,
	opened         timestamptz,
	updated        timestamptz,
	closed         timestamptz,
	last_activity  timestamptz,
	version        bigint NOT NULL,
	-- last_seq is the Seq of the enquiry's latest message: appending a
	-- message increments it under the row lock, so Seq is gap-free.
	last_seq       bigint NOT NULL DEFAULT 0,
	-- lease_until is set by ClaimDue while one desk instance handles the
	-- due deadline; nobody else claims it before then.
	lease_until    timestamptz
) WITH (fillfactor = 80); -- room for HOT updates: Receive updates the row for every message
-- Never two open enquiries for one customer of a channel.
CREATE UNIQUE INDEX enquiries_open ON enquiries (channel, customer) WHERE state <> 'closed';
CREATE INDEX enquiries_due ON enquiries (deadline) WHERE state <> 'closed' AND timer <> '';
CREATE INDEX enquiries_opened ON enquiries (opened DESC, n DESC);
CREATE INDEX enquiries_channel ON enquiries (channel, customer, opened DESC);
CREATE INDEX enquiries_staff ON enquiries (staff, opened DESC) WHERE staff <> '';

CREATE TABLE transitions (
	n          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	enquiry    text NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
	from_state text NOT NULL DEFAULT '',
	to_state   text NOT NULL,
	actor      text NOT NULL DEFAULT '',
	at         timestamptz,
	note       text NOT NULL DEFAULT ''
);
CREATE INDEX transitions_enquiry ON transitions (enquiry, n);

CREATE TABLE messages (
	id                  text PRIMARY KEY,
	enquiry             text NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
	channel             text NOT NULL,
	seq                 bigint NOT NULL,
	direction           text NOT NULL,
	author_kind         text NOT NULL,
	author_id           text NOT NULL DEFAULT '',
	at                  timestamptz,
	content             jsonb NOT NULL,
	external_id         text NOT NULL DEFAULT '',
	batch               text NOT NULL DEFAULT '',
	-- delivery_state '' means the message has no Delivery (inbound).
	delivery_state      text NOT NULL DEFAULT '',
	delivery_reason     text NOT NULL DEFAULT '',
	delivery_request_id text NOT NULL DEFAULT '',
	delivery_at         timestamptz,
	delivery_attempts   integer NOT NULL DEFAULT 0,
	lease_until         timestamptz,
	unsent              boolean NOT NULL DEFAULT false,
	-- Transcripts page by keyset on this index.
	UNIQUE (enquiry, seq)
);
-- A platform message redelivered is recorded once.
CREATE UNIQUE INDEX messages_external ON messages (channel, external_id) WHERE external_id <> '';
CREATE INDEX messages_pending ON messages (at, enquiry, seq) WHERE delivery_state = 'pending';

CREATE TABLE engagements (
	channel  text NOT NULL,
	customer text NOT NULL,
	staff    text NOT NULL,
	at       timestamptz,
	PRIMARY KEY (channel, customer)
);

-- socialdesk_receive is enquiry.Store.Receive in one round trip: it
-- drops a message seen before (by channel and external_id), finds and
-- updates the customer's open enquiry or opens p_* as a new one, and
-- appends the message with the enquiry's next seq.
--
-- Concurrent calls for one customer queue on the enquiry's row lock, and
-- concurrent openers on the partial unique index enquiries_open: the loser
-- waits for the winner's commit, then joins its enquiry. Two deliveries of
-- one message at once both pass the first check; the second then fails on
-- messages_external with unique_violation, which rolls the whole call
-- back, and the store calls again to report the duplicate. An unknown
-- channel fails on the foreign key.
CREATE FUNCTION socialdesk_receive(
	p_id text, p_channel text, p_customer text, p_customer_name text,
	p_state text, p_staff text, p_invited text[], p_direct boolean,
	p_plan jsonb, p_step integer, p_ringing text[], p_deadline timestamptz,
	p_timer text, p_standby boolean, p_reply_token text,
	p_reply_token_at timestamptz, p_opened timestamptz, p_updated timestamptz,
	p_closed timestamptz, p_last_activity timestamptz,
	m_id text, m_direction text, m_author_kind text, m_author_id text,
	m_at timestamptz, m_content jsonb, m_external_id text, m_batch text,
	m_delivery_state text, m_delivery_reason text, m_delivery_request_id text,
	m_delivery_at timestamptz, m_delivery_attempts integer,
	m_lease_until timestamptz, m_unsent boolean
) RETURNS TABLE (r_enquiry enquiries, r_message messages, r_opened boolean, r_duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
	v_e enquiries;
	v_m messages;
BEGIN
	r_opened := false;
	r_duplicate := false;
	IF m_external_id <> '' THEN
		SELECT * INTO v_m FROM messages m
		WHERE m.channel = p_channel AND m.external_id = m_external_id;
		IF FOUND THEN
			SELECT * INTO v_e FROM enquiries e WHERE e.id = v_m.enquiry;
			r_enquiry := v_e; r_message := v_m; r_duplicate := true;
			RETURN NEXT;
			RETURN;
		END IF;
	END IF;

	LOOP
		-- Join the open enquiry: the fields Receive owns. Update leaves
		-- them alone, so this does not change the version.
		UPDATE enquiries e SET
			last_seq = e.last_seq + 1,
			customer_name = CASE WHEN p_customer_name <> '' THEN p_customer_name ELSE e.customer_name END,
			standby = p_standby,
			reply_token = CASE WHEN p_reply_token <> '' THEN p_reply_token ELSE e.reply_token END,
			reply_token_at = CASE WHEN p_reply_token <> '' THEN p_reply_token_at ELSE e.reply_token_at END,
			last_activity = GREATEST(e.last_activity, p_last_activity)
		WHERE e.channel = p_channel AND e.customer = p_customer AND e.state <> 'closed'
		RETURNING * INTO v_e;
		EXIT WHEN FOUND;

		-- Or open one. A concurrent opener makes this wait for its commit,
		-- then do nothing; the next turn of the loop joins its enquiry.
		INSERT INTO enquiries AS e (id, channel, customer, customer_name, state, staff,
			invited, direct, plan, step, ringing, deadline, timer, standby,
			reply_token, reply_token_at, opened, updated, closed, last_activity,
			version, last_seq)
		VALUES (p_id, p_channel, p_customer, p_customer_name, p_state, p_staff,
			p_invited, p_direct, p_plan, p_step, p_ringing, p_deadline, p_timer, p_standby,
			p_reply_token, p_reply_token_at, p_opened, p_updated, p_closed, p_last_activity,
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
		delivery_request_id, delivery_at, delivery_attempts, lease_until, unsent)
	VALUES (m_id, v_e.id, p_channel, v_e.last_seq, m_direction, m_author_kind, m_author_id,
		m_at, m_content, m_external_id, m_batch, m_delivery_state, m_delivery_reason,
		m_delivery_request_id, m_delivery_at, m_delivery_attempts, m_lease_until, m_unsent)
	RETURNING * INTO v_m;

	r_enquiry := v_e; r_message := v_m;
	RETURN NEXT;
END
$$;
