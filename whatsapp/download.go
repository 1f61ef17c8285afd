package whatsapp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/apiclient"
	"github.com/socialdesk/socialdesk/media"
)

// ErrChecksum: downloaded media does not match the SHA-256 Meta gave for
// it; it was cut or changed on the way. Retryable.
var ErrChecksum = errors.New("whatsapp: downloaded media does not match its checksum")

// Download fetches a customer's media (media ID → download URL → bytes)
// and streams it into blobs under key, judging it by its bytes under
// policy (media.WhatsApp, or a stricter one) as it passes, never holding
// it whole: kind is the message's type (KindImage, KindAudio, KindVideo,
// KindDocument, KindSticker) and the bytes must be content of that kind.
// A Content-Length over the kind's limit is refused before a byte is
// read; the download stops as soon as the content is refused or passes
// the limit. It returns the media's description and the verdict (its
// Size is the content's length). A *media.Error (errors.As) means the content
// was refused; ErrChecksum that the bytes do not match Meta's SHA-256; a
// download that breaks off matches ErrTransport and is retryable, as is
// a failure of blobs.
//
// Every refusal or failure, the checksum's (known only at the end)
// included, reaches blobs.Put as its reader's error in place of the
// content's end: Put must then keep nothing under key (as
// enquiry.MemBlobs does). Download never deletes: the key, which a
// caller attaches only after Download succeeded, may be shared by
// another attempt at the same media that did.
//
// The access token is sent to the download URL only when it is an https
// URL, or on the host of Config.APIBase (a fake platform).
func (c *Client) Download(ctx context.Context, from Number, mediaID, kind string, policy media.Policy, blobs enquiry.BlobStore, key string) (MediaInfo, media.Verdict, error) {
	want := map[string]media.Kind{KindImage: media.KindImage, KindAudio: media.KindAudio, KindVideo: media.KindVideo,
		KindDocument: media.KindDocument, KindSticker: media.KindSticker}[kind]
	switch {
	case want == "":
		return MediaInfo{}, media.Verdict{}, invalid("unknown media kind")
	case blobs == nil || key == "":
		return MediaInfo{}, media.Verdict{}, invalid("a download needs a blob store and a key")
	}
	info, err := c.Media(ctx, from, mediaID)
	if err != nil {
		return MediaInfo{}, media.Verdict{}, err
	}
	if !c.mayCarryToken(info.URL) {
		return info, media.Verdict{}, &Error{Service: service, Op: "media download", Message: "the download URL is neither https nor on the API's host", Err: ErrBadRequest}
	}
	check := func(r io.Reader) (media.Verdict, error) {
		h := sha256.New()
		r = io.TeeReader(r, h)
		check := policy.CheckReader
		if want == media.KindDocument {
			check = policy.CheckDocument
		}
		v, err := check(r)
		switch {
		case err != nil:
			return v, err
		case v.Kind != want:
			return v, &media.Error{Code: media.CodeUnsupportedKind, Kind: v.Kind, Format: v.Format,
				Reason: fmt.Sprintf("The customer's %s message holds %s content.", kind, v.Kind)}
		case !sumMatches(h.Sum(nil), info.SHA256):
			return v, &Error{Service: service, Op: "media download", Message: "checksum mismatch", Err: ErrChecksum, Transient: true}
		}
		return v, nil
	}
	req := &apiclient.Request{Op: "media download", Method: http.MethodGet, URL: info.URL,
		Channel: from.PhoneNumberID, Token: from.Token, Timeout: c.contentTimeout}
	put := func(r io.Reader) (int64, error) { return blobs.Put(ctx, key, r) }
	limit := policy.Limit(want)
	if want == media.KindSticker {
		limit = max(limit, policy.MaxAnimatedStickerBytes)
	}
	if limit <= 0 {
		limit = -1 // the kind is refused: check says why
	}
	v, _, err := c.api.Download(ctx, req, limit, check, put)
	return info, v, err
}

// sumMatches compares a SHA-256 with Meta's, in hex or base64; an empty
// one from Meta is not checked.
func sumMatches(sum []byte, theirs string) bool {
	theirs = strings.TrimSpace(theirs)
	if theirs == "" {
		return true
	}
	if b, err := hex.DecodeString(theirs); err == nil && len(b) == sha256.Size {
		return bytes.Equal(b, sum)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(theirs); err == nil && len(b) == sha256.Size {
			return bytes.Equal(b, sum)
		}
	}
	return false
}

// mayCarryToken reports whether the access token may be sent to u.
func (c *Client) mayCarryToken(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return false
	}
	if p.Scheme == "https" {
		return true
	}
	b, err := url.Parse(c.base)
	return err == nil && p.Scheme == b.Scheme && p.Host == b.Host
}
