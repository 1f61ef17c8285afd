package line

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/apiclient"
	"github.com/socialdesk/socialdesk/media"
)

const (
	endpointContent     = "GET /v2/bot/message/{messageId}/content"
	endpointTranscoding = "GET /v2/bot/message/{messageId}/content/transcoding"
)

// FetchContent downloads the content of an inbound image, video or audio
// message into blobs under key and returns what it is. The content is
// streamed, never held whole in memory: media judges it as it passes
// (media.CheckReader) and the download stops at the size limit of its
// kind (Config.MediaPolicy, default LINE's: 10 MB images, 200 MB audio
// and video). Content from an external provider is fetched from
// src.ExternalURL, without the channel's token.
//
// Video and audio LINE is still preparing give an error matching
// ErrNotReady whose Retryable reports true: try again later. A refusal by
// media is returned as media gave it (a *media.Error or a media sentinel),
// and blobs must not keep content whose reader failed. FetchContent is
// safe for concurrent use.
func (c *Client) FetchContent(ctx context.Context, ch enquiry.Channel, src ContentSource, blobs enquiry.BlobStore, key string) (enquiry.MediaRef, error) {
	kind := media.Kind(src.Kind)
	limit := c.sizeLimit(kind)
	if limit < 0 {
		return enquiry.MediaRef{}, fmt.Errorf("line: content of kind %q is not downloaded: %w", src.Kind, ErrUnsendable)
	}
	var res *apiclient.Response
	var err error
	if src.ExternalURL != "" {
		res, err = c.openExternal(ctx, ch, src.ExternalURL)
	} else {
		res, err = c.openContent(ctx, ch, src)
	}
	if err != nil {
		return enquiry.MediaRef{}, err
	}
	defer res.Body.Close()
	if size, err := strconv.ParseInt(res.Header.Get("Content-Length"), 10, 64); err == nil && size > limit {
		return enquiry.MediaRef{}, tooLarge(src, limit) // refused before a byte is read
	}
	v, size, err := c.store(ctx, res.Body, blobs, key, limit)
	if errors.Is(err, errCapped) {
		return enquiry.MediaRef{}, tooLarge(src, limit)
	}
	if err != nil {
		return enquiry.MediaRef{}, err
	}
	ref := enquiry.MediaRef{Kind: v.Kind, Format: v.Format, Size: size, Key: key, PreviewURL: src.PreviewURL, Duration: src.Duration}
	if ref.Kind == "" {
		ref.Kind = kind
	}
	return ref, nil
}

func tooLarge(src ContentSource, limit int64) error {
	return fmt.Errorf("line: %s content of message %s is larger than %d bytes: %w", src.Kind, src.MessageID, limit, media.ErrTooLarge)
}

// sizeLimit returns the most bytes content of kind k may have under the
// configured media policy, or -1 for kinds that are not downloaded.
func (c *Client) sizeLimit(k media.Kind) int64 {
	switch k {
	case media.KindImage, media.KindVideo, media.KindAudio:
		return c.cfg.MediaPolicy.Limit(k)
	}
	return -1
}

// openContent asks LINE for a message's content: for video and audio it
// first asks whether the content is prepared.
func (c *Client) openContent(ctx context.Context, ch enquiry.Channel, src ContentSource) (*apiclient.Response, error) {
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
			return nil, &Error{Service: service, Op: "content", Status: http.StatusAccepted, Message: "LINE is still preparing the content", RequestID: rid, Err: ErrNotReady, Transient: true}
		case "failed":
			return nil, &Error{Service: service, Op: "content", Status: http.StatusOK, Message: "LINE failed to prepare the content", RequestID: rid, Err: ErrContentFailed}
		}
	}
	k := &apiclient.Request{Op: "content", Endpoint: endpointContent, Method: http.MethodGet, URL: base, Channel: ch.ID, Token: ch.Credentials.Token, Timeout: c.cfg.ContentTimeout}
	return c.open(ctx, k)
}

// openExternal opens content an external provider holds. The channel's
// token is never sent there.
func (c *Client) openExternal(ctx context.Context, ch enquiry.Channel, raw string) (*apiclient.Response, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("line: external content URL is not an http(s) URL: %w", ErrBadRequest)
	}
	k := &apiclient.Request{Op: "external content", Method: http.MethodGet, URL: raw, Channel: ch.ID, Timeout: c.cfg.ContentTimeout}
	return c.open(ctx, k)
}

// open makes a GET with retries until the answer's headers arrive; the
// body streams to the caller. A 202 means not ready yet.
func (c *Client) open(ctx context.Context, k *apiclient.Request) (*apiclient.Response, error) {
	res, err := c.api.Open(ctx, k)
	if err != nil {
		var le *Error
		if errors.As(err, &le) && le.Status == http.StatusAccepted {
			le.Message = "LINE is still preparing the content"
		}
		return nil, err
	}
	return res, nil
}

// errCapped: the content went past the size limit.
var errCapped = errors.New("line: content exceeds the size limit")

// store streams body into blobs while media judges it: the bytes media
// reads are copied to the blob as they pass (a TeeReader into a pipe),
// then the rest is copied. It never holds more than the pipe's chunk.
func (c *Client) store(ctx context.Context, body io.Reader, blobs enquiry.BlobStore, key string, limit int64) (media.Verdict, int64, error) {
	capped := &capReader{r: body, left: limit}
	pr, pw := io.Pipe()
	type result struct {
		v   media.Verdict
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := c.cfg.MediaPolicy.CheckReader(io.TeeReader(capped, pw))
		if err == nil {
			_, err = io.Copy(pw, capped)
		}
		if err == nil && capped.over {
			err = errCapped
		}
		pw.CloseWithError(err) // nil: the blob store sees EOF
		done <- result{v, err}
	}()
	n, perr := blobs.Put(ctx, key, pr)
	pr.CloseWithError(errStored) // unblock the writer if Put stopped early
	r := <-done
	switch {
	case errors.Is(r.err, errCapped) || capped.over:
		return r.v, n, errCapped
	case r.err != nil && !errors.Is(r.err, errStored):
		if !isMediaRefusal(r.err) {
			return r.v, n, transportError("content", r.err) // the download broke
		}
		return r.v, n, r.err
	case perr != nil:
		return r.v, n, fmt.Errorf("line: storing content: %w", perr)
	}
	return r.v, n, nil
}

var errStored = errors.New("line: blob store stopped reading")

func isMediaRefusal(err error) bool {
	var me *media.Error
	return errors.As(err, &me) || errors.Is(err, media.ErrTooLarge)
}

// capReader reads at most left bytes; one byte more sets over and fails.
type capReader struct {
	r    io.Reader
	left int64
	over bool
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.over {
		return 0, errCapped
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	if int64(n) > c.left {
		c.over = true
		return int(c.left), errCapped
	}
	c.left -= int64(n)
	return n, err
}
