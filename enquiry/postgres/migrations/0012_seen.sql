-- 0011: how far each staff member has seen each enquiry's transcript
-- (enquiry.SeenStore): the enquiry list counts the customer's messages
-- after it as unread for them.
CREATE TABLE enquiry_seen (
	enquiry text NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
	staff   text NOT NULL,
	seq     bigint NOT NULL,
	PRIMARY KEY (enquiry, staff)
);
