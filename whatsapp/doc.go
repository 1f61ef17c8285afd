// Package whatsapp is the connector for the WhatsApp Business Platform's
// Cloud API. This part holds its webhook side, as pure functions and a
// thin handler: VerifySignature checks a body's X-Hub-Signature-256
// ("sha256=" and the hex HMAC-SHA256 of the raw body under the app
// secret, compared in constant time); VerifySubscription and
// AnswerVerification serve Meta's GET verification handshake
// (hub.mode=subscribe, hub.verify_token compared in constant time,
// hub.challenge echoed only when it is a short plain token);
// ParseNotification turns a body into Notification values — customers'
// messages (text, image, audio, video, document, sticker, location,
// contacts, interactive and button replies, reactions; any other type
// kept as unsupported) with their senders' profile names, and the
// delivery statuses (sent, delivered, read, failed with its error code)
// of the business's messages — never quoting the body in an error.
//
// An Intake is the http.Handler Meta calls, one path per channel: it
// reads bodies under a limit and a deadline (internal/hookbody), verifies
// and parses them, and hands them to a Recorder before answering.
//
//	in := whatsapp.NewIntake(whatsapp.IntakeConfig{Apps: apps, Recorder: inbox})
//	mux.Handle("/webhook/whatsapp/{channel}", in)
//
// A Client sends for many business phone numbers, each call naming its
// Number (phone number ID and access token): text, media by uploaded ID
// or HTTPS link, reactions, read receipts with the typing indicator, and
// media descriptions. It keeps to each number's throughput, retries what
// was certainly not carried out (throttles, codes 130429 and 131056), and
// never sends twice what may have gone (ErrDeliveryUncertain); a send
// outside the customer's 24-hour window fails with ErrWindowClosed.
//
//	wa := whatsapp.NewClient(whatsapp.Config{})
//	id, err := wa.SendText(ctx, whatsapp.Number{PhoneNumberID: pn, Token: tok}, customer, "Hello", "")
//
// In the desk: a Webhook is an Intake whose Recorder appends each
// message and status to the durable inbox (package inbox) before Meta is
// answered; its workers hand each customer's events, in order, to the
// desk (Desk.Receive), a media message at once with its content pending,
// and turn statuses into delivery states staff see (Desk.DeliveryStatus);
// fetchers off the customers' queues download media by WhatsApp's rules
// into the blob store, so a media server that does not answer delays
// nothing else the customer sends. A redelivered message or status changes
// nothing. DeskKind gives the desk WhatsApp's rules and DeskSender,
// which refuses a send after the 24-hour window up front and sends
// staff's images, audio and video by uploading them from the blob store
// (Client.Upload) after media.WhatsApp judged their bytes. Doctor checks a
// channel's set-up: the access token, the phone number ID, the app's
// webhook subscription and the app secret's form.
//
//	desk, _ := enquiry.New(enquiry.Config{Kinds: map[string]enquiry.Kind{whatsapp.ChannelKind: whatsapp.DeskKind(wa, blobs)}})
//	hook := whatsapp.NewWebhook(whatsapp.WebhookConfig{Apps: apps, Events: store, Desk: desk, Content: wa, Blobs: blobs, Channels: desk})
//
// What the transcript holds of each kind of customer message: texts,
// interactive and button replies as texts; images, video and audio as
// media, with an image's or video's caption as the message's Text beside
// it; a location, and shared contact cards (each card's name and phone
// numbers), as a text; a reaction as the text "Reacted with" and its
// emoji ("Removed a reaction" when taken back) that quotes the message it
// reacts to, the customer's or the desk's; a sticker as an
// enquiry.Sticker named by its media ID, its image not downloaded; a
// document as an unsupported note that names its file and says the desk
// does not show documents, its caption kept as Text; any other type as
// an unsupported note.
//
// Not here yet: template messages.
//
// Package whatsapp/whatsapptest is a fake Cloud API platform for tests.
package whatsapp
