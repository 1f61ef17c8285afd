-- Who holds each lease, so a desk instance restarted under the name of a
-- dead one ends that one's leases at once (enquiry.Store.EndLeases), and
-- the reply token a send took before its outcome was recorded, so the
-- retry uses the same token instead of pushing (Delivery.ReplyToken).
ALTER TABLE enquiries ADD COLUMN lease_owner text NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN lease_owner text NOT NULL DEFAULT '',
	ADD COLUMN reply_token text NOT NULL DEFAULT '',
	ADD COLUMN reply_token_at timestamptz;
-- EndLeases finds an owner's leases.
CREATE INDEX enquiries_lease_owner ON enquiries (lease_owner) WHERE lease_owner <> '';
CREATE INDEX messages_lease_owner ON messages (lease_owner) WHERE lease_owner <> '' AND delivery_state = 'pending';
