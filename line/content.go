package line

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/apiclient"
	"github.com/socialdesk/socialdesk/media"
)

const (
	endpointContent     = "GET /v2/bot/message/{messageId}/content"
	endpointTranscoding = "GET /v2/bot/message/{messageId}/content/transcoding"
)

// ContentSource says where an inbound message's content is: on LINE (by
// MessageID) or, for contentProvider "external", at ExternalURL.
type ContentSource struct {
	MessageID, Kind /*"image"|"video"|"audio"*/, ExternalURL, PreviewURL string
	Duration                                                             time.Duration
}

// FetchContent downloads the content of an inbound image, video or audio
// message into blobs under key and returns what it is. The content is
// streamed, never held whole in memory: media judges it as it passes
// (media.CheckReader) and the download stops at the size limit of its
// kind (Config.MediaPolicy, default LINE's: 10 MB images, 200 MB audio
// and video). Content from an external provider is fetched from
// src.ExternalURL, without the channel's token.
//
// Video and audio LINE is still preparing give an error matching
// ErrNotReady whose Retryable reports true: try again later. Content over
// the limit, or refused by media, is a *media.Error, and blobs must not
// keep content whose reader failed (internal/apiclient's Download). FetchContent is
// safe for concurrent use.
func (c *Client) FetchContent(ctx context.Context, ch enquiry.Channel, src ContentSource, blobs enquiry.BlobStore, key string) (enquiry.MediaRef, error) {
	kind := media.Kind(src.Kind)
	if kind != media.KindImage && kind != media.KindVideo && kind != media.KindAudio {
		return enquiry.MediaRef{}, fmt.Errorf("line: content of kind %q is not downloaded: %w", src.Kind, ErrUnsendable)
	}
	req, err := c.contentRequest(ctx, ch, src)
	if err != nil {
		return enquiry.MediaRef{}, err
	}
	put := func(r io.Reader) (int64, error) { return blobs.Put(ctx, key, r) }
	v, size, err := c.api.Download(ctx, req, c.cfg.MediaPolicy.Limit(kind), c.cfg.MediaPolicy.CheckReader, put)
	if err != nil {
		return enquiry.MediaRef{}, err
	}
	return enquiry.MediaRef{Kind: cmp.Or(v.Kind, kind), Format: v.Format, Size: size, Key: key, PreviewURL: src.PreviewURL, Duration: src.Duration}, nil
}

// contentRequest is the request for src's content: at its external
// provider, or on LINE, which for video and audio it first asks whether
// the content is prepared.
func (c *Client) contentRequest(ctx context.Context, ch enquiry.Channel, src ContentSource) (*apiclient.Request, error) {
	if src.ExternalURL != "" {
		return c.externalRequest(ch, src.ExternalURL)
	}
	if ch.Credentials.Token.IsZero() {
		return nil, ErrNoToken
	}
	if src.MessageID == "" || strings.ContainsAny(src.MessageID, "/?#%") {
		return nil, fmt.Errorf("line: invalid message ID %q: %w", src.MessageID, ErrBadRequest)
	}
	base := c.cfg.DataAPIBase + "/v2/bot/message/" + url.PathEscape(src.MessageID) + "/content"
	if src.Kind == string(media.KindVideo) || src.Kind == string(media.KindAudio) {
		var t struct {
			Status string `json:"status"`
		}
		k := &apiclient.Request{Op: "content transcoding", Endpoint: endpointTranscoding, Method: http.MethodGet, URL: base + "/transcoding", Channel: ch.ID, Token: ch.Credentials.Token}
		rid, err := c.getJSON(ctx, k, &t)
		if err != nil {
			return nil, err
		}
		switch t.Status {
		case "processing":
			return nil, &Error{Service: service, Op: "content", Status: http.StatusAccepted, Message: msgNotReady, RequestID: rid, Err: ErrNotReady, Transient: true}
		case "failed":
			return nil, &Error{Service: service, Op: "content", Status: http.StatusOK, Message: "LINE failed to prepare the content", RequestID: rid, Err: ErrContentFailed}
		}
	}
	return &apiclient.Request{Op: "content", Endpoint: endpointContent, Method: http.MethodGet, URL: base, Channel: ch.ID, Token: ch.Credentials.Token, Timeout: c.cfg.ContentTimeout}, nil
}

// externalRequest is the request for content an external provider
// holds. The channel's token is never sent there.
func (c *Client) externalRequest(ch enquiry.Channel, raw string) (*apiclient.Request, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("line: external content URL is not an http(s) URL: %w", ErrBadRequest)
	}
	return &apiclient.Request{Op: "external content", Method: http.MethodGet, URL: raw, Channel: ch.ID, Timeout: c.cfg.ContentTimeout}, nil
}
