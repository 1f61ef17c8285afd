-- 0006: customers' names and media content that arrive after the message.
--
-- A connector records a customer's message at once, under the customer's
-- ID and, for media, with content {"state": "pending"}; it fetches the
-- display name and the content off the customer's queue and fills them in
-- later (enquiry.LateStore).

-- The display name last looked up for each customer of a channel.
CREATE TABLE customer_names (
	channel  text NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	customer text NOT NULL,
	name     text NOT NULL,
	PRIMARY KEY (channel, customer)
);

-- Messages whose content is still pending, oldest first: what a
-- restarted connector fetches again.
CREATE INDEX messages_content_pending ON messages (at, enquiry, seq)
	WHERE content->>'state' = 'pending';
