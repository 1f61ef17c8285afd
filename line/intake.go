package line

import (
	"context"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// Desk is what the webhook's workers hand customer events to;
// *enquiry.Desk implements it. Its methods must be safe for concurrent use
// and idempotent for a repeated ExternalID (the workers may repeat a call
// after a crash or a failed acknowledgement).
type Desk interface {
	// Receive records a customer message in the customer's open enquiry,
	// opening one if there is none. Received.ReusedID reports a message
	// whose ID another customer's message already had; the webhook logs it.
	Receive(ctx context.Context, in enquiry.Inbound) (enquiry.Received, error)
	// Unsend marks the customer's message with the platform ID externalID
	// as unsent (enquiry.ErrNotFound if it was never recorded).
	Unsend(ctx context.Context, channel, customer, externalID string) error
	// Notice adds a system note for staff to the customer's open enquiry,
	// if there is one (e.g. "the customer blocked the account").
	Notice(ctx context.Context, channel, customer, text string) error
	// Completer fills in names and content fetched after Receive.
	enquiry.Completer
}

// FriendshipRecorder is a Desk that keeps whether each customer has the
// channel's account as a friend; *enquiry.Desk is one. When the webhook's
// Desk is one, follow and unfollow (block) events are recorded on the
// customer with it, open enquiry or not, besides the note for staff, so
// that nothing is pushed to a customer who blocked the account.
type FriendshipRecorder interface {
	SetFriendship(ctx context.Context, channel, customer string, f enquiry.Friendship, at time.Time) error
}

var _ FriendshipRecorder = (*enquiry.Desk)(nil)

// ContentFetcher downloads what customers send and tells who they are;
// the LINE API client of this package implements it.
type ContentFetcher interface {
	// FetchContent streams a message's content (from LINE's data API, or
	// from src.ExternalURL when the content is hosted elsewhere), judges
	// it with package media as it streams, stores it in blobs under key,
	// and returns the reference. A *media.Error (errors.As) means the
	// content was refused; an error with a Retryable() method returning
	// true (e.g. a video LINE is still processing) means try again later.
	FetchContent(ctx context.Context, ch enquiry.Channel, src ContentSource, blobs enquiry.BlobStore, key string) (enquiry.MediaRef, error)
	// Profile returns the customer's profile (only UserID when LINE has none).
	Profile(ctx context.Context, ch enquiry.Channel, userID string) (Profile, error)
}
