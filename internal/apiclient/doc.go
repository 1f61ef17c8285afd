// Package apiclient is the channel-neutral core of a platform's HTTP API
// client, shared by the connectors (line and whatsapp): one attempt of a
// JSON request with its own deadline, per-channel and per-endpoint rate
// limits (golang.org/x/time/rate), retries of 5xx, 429 and timeouts with
// internal/backoff and Retry-After, bounded reading of answers, content
// downloads judged by package media as they stream into storage, a typed
// *Error that never holds a token or a body, and structured logs of
// retries.
//
// A connector keeps only what is its platform's: URLs, headers, and how
// its error bodies read (Config.Classify):
//
//	api := apiclient.New(apiclient.Config{Service: "line", RequestIDHeader: "X-Line-Request-Id", Classify: classify})
//	id, err := api.JSON(ctx, &apiclient.Request{Op: "bot info", Method: "GET", URL: u, Token: tok}, &info)
package apiclient
