// Package line is the LINE connector: it sends the desk's messages to
// customers on LINE (reply or push, within LINE's limits, never lost and
// never twice), downloads the content of customers' images, videos and
// audio into the host's blob storage, reads profiles, and diagnoses a
// channel's set-up. Package line/linetest is a fake LINE platform for tests.
//
// One Client serves every channel; each call names the channel, whose
// credentials it uses only for the Authorization header:
//
//	client := line.NewClient(line.Config{MediaURL: signer})
//	desk, err := enquiry.New(enquiry.Config{Store: store, Sender: client, Directory: staff})
//
// Requests are rate-limited per channel and endpoint (golang.org/x/time/rate),
// retried with backoff on 5xx, 429 and timeouts, and never retried on other
// refusals; errors are *Error values that say whether they are Retryable
// and carry LINE's request ID, never a token.
package line
