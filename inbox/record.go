package inbox

import "time"

// Record is a platform event as the inbox keeps it: recorded durably before
// the webhook that received it answers, so that an event is never lost once
// accepted.
// Payload is its raw body as the platform sent it.
type Record struct {
	// Channel is the desk channel the event arrived on.
	Channel string `json:"channel"`
	// ID is the platform's event ID (for LINE: webhookEventId), unique
	// per channel: a redelivered event has the same one.
	ID string `json:"id"`
	// Key orders and groups handling: events with one key (one
	// customer) of a channel are handled in order; different keys in
	// parallel.
	Key      string    `json:"key"`
	Received time.Time `json:"received"`
	Payload  []byte    `json:"payload"`
	// Seq is the store's arrival order, assigned by Store.AppendEvents.
	Seq int64 `json:"seq"`
}

// Key names the events that are handled in order: one customer's of one
// channel.
type Key struct {
	Channel string
	Key     string
}

// KeyOf returns the Key that ev is handled under.
func KeyOf(ev Record) Key { return Key{Channel: ev.Channel, Key: ev.Key} }
