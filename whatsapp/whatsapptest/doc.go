// Package whatsapptest is a fake WhatsApp Cloud API platform for tests,
// with the role line/linetest has for LINE.
//
// Webhooks: Body builds bodies as Meta sends them — customers' messages
// of every type (Text, Image, Audio, Video, Document, Sticker, Location,
// Contacts, ButtonReply, ListReply, Button, Reaction, Unsupported, OfType)
// and the statuses of the business's messages (StatusSent,
// StatusDelivered, StatusRead, StatusFailed) — and NewSignedRequest signs
// them with the app secret (X-Hub-Signature-256). Verify plays Meta's side
// of the GET verification handshake against a webhook URL.
//
// The Graph API: a Platform serves POST /{version}/{phone-number-id}/messages
// (text, media by link or ID, reactions, templates, read receipts with the
// typing indicator), POST /{version}/{phone-number-id}/media (multipart
// uploads, judged by WhatsApp's rules, recorded as Uploads, sendable by
// their ID), GET /{version}/{media-id} and the media's download URL
// (bearer token required), and what diagnostics read: GET
// /{version}/debug_token, GET /{version}/{phone-number-id} and GET
// /{version}/{waba-id}/subscribed_apps (PhoneNumber's AppID, Scopes and
// TokenExpires, SetSubscribed), with Meta's error bodies
// ({"error":{"message","type","code","error_subcode","error_data","fbtrace_id"}})
// and statuses: 401 code 190 (subcode 463 for an expired token), 400
// code 100 (subcode 33 for an object the token cannot see), 403 code 200
// for a missing permission, 400 code 131047 outside the
// customer's 24-hour window (from their last message the platform
// delivered, on a settable clock), 429 codes 130429 and 131056 for the
// throughput and pair limits, 500 code 131000; every call is recorded and
// faults are injected on demand.
//
//	p := whatsapptest.New()
//	defer p.Close()
//	p.AddPhoneNumber(whatsapptest.PhoneNumber{ID: "106540352242922", Token: "token", AppSecret: "secret"})
//	req := p.DeliverRequest("106540352242922", "/webhook/whatsapp/wa", whatsapptest.Text("16505551234", "hi"))
//
// What a customer received is p.Received(waID); what the platform was
// asked is p.Calls(), p.Sent() and p.Receipts().
package whatsapptest
