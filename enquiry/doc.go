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
// (Desk.MarkRead); Desk.SendQuote quotes a customer message.
//
//	desk, err := enquiry.New(enquiry.Config{Store: enquiry.NewMemStore(), Kinds: map[string]enquiry.Kind{"chat": {Sender: connector}}, Directory: staff})
//	go desk.Run(ctx) // ring timeouts, auto-close, delivery retries
package enquiry
