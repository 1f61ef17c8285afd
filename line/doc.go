// Package line is the LINE connector: it takes LINE's webhook events to
// the desk, sends the desk's messages to
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
// A Webhook is the http.Handler that LINE posts events to, one path per
// channel. It answers within LINE's 2-second budget by doing only what
// must happen before the answer: it refuses what it can from the
// request's head without reading the body (unknown channel 404, no
// signature 401, declared length over the limit 413), reads the body
// under a deadline (408) and a limit (413) into a buffer that grows with
// what arrives, verifies the X-Line-Signature with the channel's secret
// in constant time (401), parses the events (400, never echoing the
// body), and records them durably in an inbox.Store, which drops
// redeliveries by webhookEventId (500 if the store fails, so LINE
// redelivers). Everything
// slow — the customer's profile, downloading and judging content, the
// desk — happens after the answer, in package inbox's bounded pool of
// workers that keeps each customer's events in order. A recorded event is
// never lost: after a crash, Run replays what the store still has pending.
//
//	hook := line.NewWebhook(line.WebhookConfig{Channels: desk, Events: store, Desk: desk, Content: client, Blobs: blobs})
//	mux.Handle("POST /webhook/line/{channel}", hook); go hook.Run(ctx)
//
// VerifySignature and ParseEvents are the same steps as pure functions.
//
// A message's markAsReadToken and quoteToken, and what it quotes
// (quotedMessageId), reach the desk with it (enquiry.Content); the Client
// marks messages read with the token (MarkRead, an enquiry.ReadMarker) and
// sends staff replies that quote a customer message with its quoteToken.
//
// Requests are rate-limited per channel and endpoint (golang.org/x/time/rate),
// retried with backoff on 5xx, 429 and timeouts, and never retried on other
// refusals; errors are *Error values that say whether they are Retryable
// and carry LINE's request ID, never a token. A push refused for the
// monthly message limit is not retried: it matches
// enquiry.ErrQuotaExhausted, and nothing more is pushed for the channel
// until the month turns or the quota has room again (Client.Quota reads
// it); replies, which are free, still go out.
package line
