// Package whatsapptest is a fake WhatsApp Cloud API platform for tests:
// it builds webhook bodies as Meta sends them (customers' messages of
// every type, the statuses of the business's messages), signed with the
// app secret, and plays Meta's side of the webhook verification
// handshake.
//
//	body := whatsapptest.Body(business, whatsapptest.Text("16505551234", "hi", whatsapptest.WithName("Ann")))
//	req := whatsapptest.NewSignedRequest(appSecret, "/webhook/whatsapp/wa", body)
package whatsapptest
