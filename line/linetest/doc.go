// Package linetest is a fake LINE platform for tests: the Messaging API
// (reply, push, bot info, profiles, webhook endpoint settings and test)
// and the Data API (message content and its transcoding status) on local
// httptest servers, with LINE's status codes, headers and error bodies,
// every call recorded for assertions, and faults injected on demand.
//
// Point a connector at it with the two base URLs:
//
//	p := linetest.New()
//	defer p.Close()
//	p.AddChannel(linetest.Channel{Token: "token", BotUserID: "Ubot"})
//	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL()})
//
// What a customer received is p.Received(userID); what the platform was
// asked is p.Calls(), p.Pushes() and p.Replies().
package linetest
