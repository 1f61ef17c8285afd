// Package line is the LINE connector: it takes LINE's webhook events to
// the desk, sends the desk's messages to
// customers on LINE (reply or push, within LINE's limits, never lost and
// never twice), downloads the content of customers' images, videos and
// audio into the host's blob storage, reads profiles, and reads and sets
// a channel's bot and webhook settings. Package line/linecheck diagnoses
// a channel's set-up with them; line/linetest is a fake LINE platform for
// tests.
//
// One Client serves every channel; each call names the channel, whose
// credentials it uses only for the Authorization header:
//
//	client := line.NewClient(line.Config{MediaURL: signer})
//	desk, err := enquiry.New(enquiry.Config{Store: store, Kinds: map[string]enquiry.Kind{line.ChannelKind: line.DeskKind(client)}, Directory: staff})
//
// A Webhook is the http.Handler that LINE posts events to, one path per
// channel. It answers within LINE's 2-second budget by doing only what
// must happen before the answer: it reads the body under a deadline and
// a limit, verifies the X-Line-Signature with the channel's secret,
// parses the events and records them durably in an inbox.Store, which
// drops redeliveries by webhookEventId (ServeHTTP lists its answers).
// Everything slow happens after the answer. A bounded pool of workers
// hands each customer's events to the desk in order; it never waits for
// LINE: a message is recorded at once, under the customer's ID, and an
// image, video or audio with its content pending. The customer's profile
// and the content (from LINE or an external provider) are fetched off
// the customer's queue by a bounded set of fetchers, with bounded
// retries, and fill in the name, the content or "content unavailable"
// when they come (enquiry.Completer), so a URL that never answers
// silences nobody. A recorded event is never lost: after a crash, Run
// replays what the store still has pending, and fetches again the
// content of recent messages left pending (RefetchWindow).
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
