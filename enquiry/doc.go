// Package enquiry is the desk: channels, enquiries and their lifecycle,
// transcripts, and the Store that keeps them.
//
// Every customer conversation on a channel becomes an enquiry that one
// staff member attends one-on-one. A connector per channel kind hands
// customer messages to Desk.Receive and implements Sender, and gives the
// desk its platform's rules (Config.Kinds); the host
// provides staff presence (Directory), and may provide a Sink to follow
// changes live and a BlobStore for media. A Sender that is also a
// ReadMarker lets the desk mark customers' messages read when staff attend
// (Desk.MarkRead); Desk.SendQuote quotes a customer message. A Sender that
// is also a Profiler gives Desk.Profile the customer's picture on the
// platform. Desk.Search searches the transcripts (see Search for how words
// match in every script).
//
// Receiving never waits for the platform. Receive, Send, Close and the
// timers record what is to be sent (Welcome, Away and Close Enquiry
// messages, staff messages) as pending outbound messages; the desk's
// outbox sends them, woken at once, each enquiry's in order and others'
// beside them, with a retry key that stays the same across retries,
// restarts and replicas. Desk.Run runs the outbox: a desk that does not
// Run sends nothing until Flush (or Tick) is called.
//
//	desk, err := enquiry.New(enquiry.Config{Store: enquiry.NewMemStore(), Kinds: map[string]enquiry.Kind{"chat": {Sender: connector}}, Directory: staff})
//	go desk.Run(ctx) // sending, ring timeouts, auto-close, delivery retries
package enquiry
