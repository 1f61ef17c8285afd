package e2e_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// silentProvider is an external content provider that accepts requests
// and does not answer them until release; then it cuts every connection
// without a word, as a host that went away does.
type silentProvider struct {
	*httptest.Server
	asked   chan struct{} // one value per request
	release chan struct{}
	once    sync.Once
}

func newSilentProvider(t *testing.T) *silentProvider {
	p := &silentProvider{asked: make(chan struct{}, 100), release: make(chan struct{})}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case p.asked <- struct{}{}:
		default:
		}
		select {
		case <-p.release:
		case <-r.Context().Done():
			return
		}
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(func() { p.free(); p.Close() })
	return p
}

func (p *silentProvider) free() { p.once.Do(func() { close(p.release) }) }

// A video whose content an external provider never delivers holds up
// nothing: the customer's next text is in the transcript while the
// download still waits, with the video shown as pending; after the
// bounded retries the video is shown as unavailable.
func TestATextAfterAVideoThatNeverDownloadsIsNotHeldUp(t *testing.T) {
	r := newRig(t, rigConfig{ContentTimeout: time.Minute}) // the provider's silence ends only when the test says
	provider := newSilentProvider(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	c := newCustomer(r, 1)
	video := linetest.VideoEvent(c.id, 30*time.Second, linetest.WithMessageID("v1"), linetest.WithReplyToken(r.platform.IssueReplyToken(bot, c.id)),
		linetest.ExternalContent(provider.URL+"/v1.mp4", provider.URL+"/v1.jpg"))
	if err := r.deliver(ctx, video); err != nil {
		t.Fatal(err)
	}
	select {
	case <-provider.asked: // the download is under way, and waits
	case <-ctx.Done():
		t.Fatal("the provider was never asked for the video")
	}
	text := linetest.TextEvent(c.id, "did you get my video?", linetest.WithMessageID("t1"))
	if err := r.deliver(ctx, text); err != nil {
		t.Fatal(err)
	}

	// The text arrives while the provider still has not answered.
	var msgs []enquiry.Message
	for msgs == nil || msgs[len(msgs)-1].ExternalID != "t1" {
		if ctx.Err() != nil {
			t.Fatalf("the text never reached the transcript: %+v", msgs)
		}
		time.Sleep(10 * time.Millisecond)
		if conv := r.snapshot(ctx)[c.id]; conv != nil {
			msgs = customerMessages(conv.messages[0])
		}
	}
	if msgs[0].ExternalID != "v1" || msgs[0].Content.State != enquiry.ContentPending {
		t.Fatalf("transcript %+v; want the video first, pending", msgs)
	}

	// The provider cuts every attempt from now on: after the bounded
	// retries the video is unavailable, and says why.
	provider.free()
	conv := r.settle(ctx, 2)[c.id]
	msgs = customerMessages(conv.messages[0])
	v := msgs[0].Content
	if v.State != enquiry.ContentUnavailable || v.Kind != enquiry.Unsupported || v.Unsupported.Kind != "video" || v.Unsupported.Reason == "" {
		t.Fatalf("video after the retries: %+v; want it unavailable, with a reason", v)
	}
	if msgs[1].Content.Text != "did you get my video?" {
		t.Fatalf("transcript %+v; want the text after the video", msgs)
	}
	// The name, looked up off the customer's queue too, is there.
	for conv.enquiries[0].Customer.Name != c.name {
		if ctx.Err() != nil {
			t.Fatalf("the enquiry's customer is %+v; want the name %q", conv.enquiries[0].Customer, c.name)
		}
		time.Sleep(10 * time.Millisecond)
		conv = r.snapshot(ctx)[c.id]
	}
}

// inbound returns the customer's messages of a transcript.
func customerMessages(msgs []enquiry.Message) []enquiry.Message {
	var out []enquiry.Message
	for _, m := range msgs {
		if m.Direction == enquiry.In && m.Author.Kind == enquiry.AuthorCustomer {
			out = append(out, m)
		}
	}
	return out
}
