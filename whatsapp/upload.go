package whatsapp

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"

	"github.com/socialdesk/socialdesk/internal/apiclient"
	"github.com/socialdesk/socialdesk/media"
)

// MIMEType is the media type the Cloud API wants for content of format f
// ("" for a format WhatsApp does not carry).
func MIMEType(f media.Format) string { return mimeTypes[f] }

var mimeTypes = map[media.Format]string{
	media.FormatJPEG: "image/jpeg", media.FormatPNG: "image/png", media.FormatWebP: "image/webp",
	media.FormatAAC: "audio/aac", media.FormatAMR: "audio/amr", media.FormatMP3: "audio/mpeg",
	media.FormatM4A: "audio/mp4", media.FormatOgg: "audio/ogg",
	media.FormatMP4: "video/mp4", media.Format3GP: "video/3gpp",
}

// Upload uploads a file of the given media type (e.g. "image/jpeg") for
// the number (POST /{phone-number-id}/media) and returns its media ID, by
// which SendMedia sends it; Meta keeps it 30 days. It is retried on any
// transient failure: a second upload only makes a second, unused ID. The
// content is not judged here: check it with media.WhatsApp first. It is
// safe for concurrent use.
func (c *Client) Upload(ctx context.Context, from Number, mimeType string, data []byte) (string, error) {
	if from.PhoneNumberID == "" || !plainID(from.PhoneNumberID) {
		return "", invalid("the phone number ID must be a plain ID")
	}
	if mimeType == "" || len(data) == 0 {
		return "", invalid("an upload needs a media type and content")
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("messaging_product", "whatsapp")
	_ = w.WriteField("type", mimeType)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="upload"`)
	h.Set("Content-Type", mimeType)
	part, _ := w.CreatePart(h)
	_, _ = part.Write(data)
	_ = w.Close()
	req := &apiclient.Request{Op: "upload media", Method: http.MethodPost, URL: c.base + "/" + from.PhoneNumberID + "/media",
		Channel: from.PhoneNumberID, Token: from.Token, Body: body.Bytes(),
		Header: map[string]string{"Content-Type": w.FormDataContentType()}, Timeout: c.contentTimeout}
	var res struct {
		ID string `json:"id"`
	}
	if _, err := c.api.JSON(ctx, req, &res); err != nil {
		return "", err
	}
	if res.ID == "" {
		return "", &Error{Service: service, Op: "upload media", Status: http.StatusOK, Message: "the answer has no media ID", Err: ErrServer}
	}
	return res.ID, nil
}
