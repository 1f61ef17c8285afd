package deskhttp

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
	"github.com/socialdesk/socialdesk/media"
	"github.com/socialdesk/socialdesk/routing"
)

// The public address the LINE desk of these tests signs media URLs for;
// fetch maps it to the test server.
const publicURL = "https://desk.example"

// lineDesk is a Handler on a desk whose channel main talks to a fake
// LINE platform through the real LINE client, which takes media URLs from
// the Handler's signer, as a host wires it.
type lineDesk struct {
	*servedDesk
	p     *linetest.Platform
	blobs *enquiry.MemBlobs
	clock *clock.Fake // the Handler's clock: signed URLs' expiry
	enq   string      // an enquiry of customer U1 that alice attends
}

const (
	aliceAuth = "Bearer alice-token"
	bobAuth   = "Bearer bob-token"
)

// serveLINEDesk starts a lineDesk whose media links are signed for
// publicURL, valid for the default time.
func serveLINEDesk(t testing.TB) *lineDesk {
	t.Helper()
	return serveLINEDeskWith(t, MediaLinks{PublicURL: publicURL, Key: "a key the replicas share, 32 bytes or more"}, media.LINE)
}

// serveLINEDeskWith starts a lineDesk with the media links links, whose
// channel kind judges media by policy.
func serveLINEDeskWith(t testing.TB, links MediaLinks, policy media.Policy) *lineDesk {
	t.Helper()
	p := linetest.New()
	t.Cleanup(p.Close)
	p.AddChannel(linetest.Channel{Token: "line-token", Secret: "line-secret", BotUserID: "Ubot", DisplayName: "Shop"})
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	d := &lineDesk{servedDesk: &servedDesk{feed: &enquiry.Feed{}, roster: &enquiry.Roster{}, logs: logs}, p: p, blobs: &enquiry.MemBlobs{},
		clock: clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))}
	for _, id := range []string{"alice", "bob"} {
		d.roster.Add(id, automsg.Staff{First: id}, 0)
		d.roster.SetPresence(id, routing.Available)
	}
	var h *Handler // the client asks it for URLs once it exists
	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL(), Logger: log,
		BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond,
		MediaURL: func(ctx context.Context, ref enquiry.MediaRef) (string, string, error) { return h.MediaURL(ctx, ref) }})
	desk, err := enquiry.New(enquiry.Config{Kinds: map[string]enquiry.Kind{"line": {Sender: client, Policy: policy}},
		Directory: d.roster, Sink: d.feed, Blobs: d.blobs, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	d.desk = desk
	h, err = New(Config{Desk: desk, Feed: d.feed, Roster: d.roster, Blobs: d.blobs, Logger: log, Now: d.clock.Now,
		Connectors: []Connector{testConnector},
		Media:      links,
		Auth: tokens{
			"service-token": {Role: RoleAdmin, Via: ViaService},
			"alice-token":   {Staff: "alice", Role: RoleStaff, Via: ViaToken},
			"bob-token":     {Staff: "bob", Role: RoleStaff, Via: ViaToken},
		}})
	if err != nil {
		t.Fatal(err)
	}
	d.h = h
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { desk.Run(ctx) })
	wg.Go(func() { h.Run(ctx) })
	d.url, d.addr = "http://"+ln.Addr().String(), ln.Addr().String()
	t.Cleanup(func() {
		h.EndStreams()
		hs.Close()
		cancel()
		wg.Wait()
		if t.Failed() {
			t.Logf("desk logs:\n%s", logs.String())
		}
	})
	if _, err := desk.CreateChannel(ctx, enquiry.Channel{ID: "main", Name: "Shop", Kind: "line", Account: "Ubot",
		Credentials: enquiry.Credentials{Secret: "line-secret", Token: "line-token"}}); err != nil {
		t.Fatal(err)
	}
	got, err := desk.Receive(ctx, enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: "U1", Name: "Kim"}, ExternalID: "m1",
		Content: enquiry.Content{Kind: enquiry.Text, Text: "Can you send me a photo of it?"}})
	if err != nil {
		t.Fatal(err)
	}
	d.enq = got.Enquiry.ID
	if _, err := desk.Attend(ctx, d.enq, "alice"); err != nil {
		t.Fatal(err)
	}
	return d
}

// fixture returns the bytes of a file in testdata/media.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/media/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// form returns a multipart/form-data body of the parts (name, content)
// and its Content-Type.
func form(t testing.TB, parts ...string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(parts); i += 2 {
		var (
			pw  io.Writer
			err error
		)
		if parts[i] == "duration" {
			pw, err = w.CreateFormField(parts[i])
		} else {
			pw, err = w.CreateFormFile(parts[i], parts[i]+".bin")
		}
		if err != nil {
			t.Fatal(err)
		}
		pw.Write([]byte(parts[i+1]))
	}
	w.Close()
	return b.String(), w.FormDataContentType()
}

// received returns the messages customer U1 has received.
func (d *lineDesk) received() []linetest.Message { return d.p.Received("U1") }

// fetch GETs a URL LINE was given, from the test server, with the
// header key: value pairs, and answers the response and its body.
func (d *servedDesk) fetch(t *testing.T, u string, header ...string) (*http.Response, []byte) {
	t.Helper()
	path, ok := strings.CutPrefix(u, publicURL)
	if !ok {
		t.Fatalf("LINE was given %q, which is not under the desk's public URL %s", u, publicURL)
	}
	req, _ := http.NewRequest("GET", d.url+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkResponse(t, req, res, body)
	return res, body
}

func TestAnUploadedImageReachesTheCustomerAtASignedURL(t *testing.T) {
	d := serveLINEDesk(t)
	img := fixture(t, "ok.png")
	code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", string(img), "Authorization", aliceAuth, "Content-Type", "image/png")
	if code != http.StatusOK {
		t.Fatalf("upload: %d %v, want 200", code, v)
	}
	m := v["message"].(map[string]any)
	if m["kind"] != "image" || m["delivery"] != "sent" || m["staff"] != "alice" {
		t.Errorf("the message is %v: want alice's image, sent", m)
	}
	got := d.received()
	if len(got) != 1 || got[0].Type != "image" {
		t.Fatalf("the customer received %+v, want one image", got)
	}
	if got[0].PreviewImageURL != got[0].OriginalContentURL {
		t.Errorf("preview %q, want the image itself (it is under 1 MB)", got[0].PreviewImageURL)
	}
	u := got[0].OriginalContentURL

	t.Run("fetching the URL returns the bytes, their type and length", func(t *testing.T) {
		res, body := d.fetch(t, u)
		switch {
		case res.StatusCode != http.StatusOK:
			t.Fatalf("GET: %s, want 200", res.Status)
		case !bytes.Equal(body, img):
			t.Errorf("GET returned %d bytes, not the %d uploaded", len(body), len(img))
		case res.Header.Get("Content-Type") != "image/png":
			t.Errorf("Content-Type %q, want image/png", res.Header.Get("Content-Type"))
		case res.Header.Get("Content-Length") != "469":
			t.Errorf("Content-Length %q, want 469", res.Header.Get("Content-Length"))
		case res.Header.Get("Accept-Ranges") != "bytes":
			t.Errorf("Accept-Ranges %q, want bytes", res.Header.Get("Accept-Ranges"))
		}
	})
	t.Run("a range request returns 206 with the slice", func(t *testing.T) {
		res, body := d.fetch(t, u, "Range", "bytes=100-199")
		switch {
		case res.StatusCode != http.StatusPartialContent:
			t.Fatalf("GET with Range: %s, want 206", res.Status)
		case !bytes.Equal(body, img[100:200]):
			t.Errorf("the slice is %d bytes, not bytes 100-199", len(body))
		case res.Header.Get("Content-Range") != "bytes 100-199/469":
			t.Errorf("Content-Range %q, want bytes 100-199/469", res.Header.Get("Content-Range"))
		}
	})
	t.Run("the URL still works three days later", func(t *testing.T) {
		d.clock.Advance(3 * 24 * time.Hour)
		if res, body := d.fetch(t, u); res.StatusCode != http.StatusOK || !bytes.Equal(body, img) {
			t.Fatalf("GET 3 days after: %s, %d bytes, want 200 and the image", res.Status, len(body))
		}
	})
	t.Run("the URL has expired eight days later", func(t *testing.T) {
		d.clock.Advance(5 * 24 * time.Hour)
		res, body := d.fetch(t, u)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(string(body), `"expired"`) {
			t.Fatalf("GET 8 days after: %s %s, want 403 expired", res.Status, body)
		}
	})
	t.Run("the bytes are in the blob store under the message's key", func(t *testing.T) {
		key := m["media"].(map[string]any)["key"].(string)
		b, err := d.blobs.Open(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if b.Size() != int64(len(img)) || !strings.HasSuffix(key, ".png") {
			t.Errorf("blob %q of %d bytes, want the %d-byte PNG", key, b.Size(), len(img))
		}
	})
}

func TestASignedURLIsRefusedWhenAnythingInItChanged(t *testing.T) {
	d := serveLINEDesk(t)
	if code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", string(fixture(t, "ok.jpg")), "Authorization", aliceAuth); code != http.StatusOK {
		t.Fatalf("upload: %d %v", code, v)
	}
	u := d.received()[0].OriginalContentURL
	path, query, _ := strings.Cut(u, "?")
	sig := query[strings.Index(query, "sig=")+4:]
	flipped := "A"
	if sig[0] == 'A' {
		flipped = "B"
	}
	for _, tc := range []struct{ name, url, code string }{
		{"another key", strings.Replace(path, ".jpg", ".png", 1) + "?" + query, "bad_signature"},
		{"a later expiry", path + "?" + strings.Replace(query, "expires=1", "expires=2", 1), "bad_signature"},
		{"another signature", path + "?" + strings.Replace(query, "sig="+sig, "sig="+flipped+sig[1:], 1), "bad_signature"},
		{"no signature", path, "bad_signature"},
		{"two signatures", u + "&sig=" + sig, "bad_signature"},
	} {
		t.Run("with "+tc.name, func(t *testing.T) {
			res, body := d.fetch(t, tc.url)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(string(body), `"`+tc.code+`"`) {
				t.Fatalf("GET %s: %s %s, want 403 %s", tc.url, res.Status, body, tc.code)
			}
		})
	}
	t.Run("a handler with another key refuses it", func(t *testing.T) {
		other, _ := newSigner(MediaLinks{PublicURL: publicURL, Key: "another key"}, d.clock.Now)
		l, err := parseSignedLink(strings.TrimPrefix(path, publicURL+signedMediaPath), mustQuery(t, query))
		if err != nil {
			t.Fatal(err)
		}
		if err := other.verify(l); err != errBadSignature {
			t.Fatalf("verify with another key: %v, want errBadSignature", err)
		}
		if err := d.h.signer.verify(l); err != nil {
			t.Fatalf("verify with the key that signed it: %v", err)
		}
	})
}

// bigPNG is a real PNG of random pixels: over n bytes, as it does not
// compress.
func bigPNG(t testing.TB, n int) []byte {
	t.Helper()
	side := 1
	for side*side*3 < n {
		side += 16
	}
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if b.Len() <= n {
		t.Fatalf("the PNG is %d bytes, want over %d", b.Len(), n)
	}
	return b.Bytes()
}

func TestARefusedUploadIs422WithTheRuleAndNothingIsStoredOrSent(t *testing.T) {
	d := serveLINEDesk(t)
	big := bigPNG(t, 12_000_000)
	if _, err := png.DecodeConfig(bytes.NewReader(big)); err != nil {
		t.Fatalf("the 12 MB PNG is not a PNG: %v", err)
	}
	video, preview := string(fixture(t, "ok-h264-aac.mp4")), string(fixture(t, "ok.jpg"))
	for _, tc := range []struct {
		name, body, contentType, code, reason string
	}{
		{"a 12 MB PNG is too large", string(big), "image/png", "too_large", "10 MB"},
		{"a WebM video is not a format LINE takes", string(fixture(t, "bad-vp9.webm")), "video/webm", "unsupported_format", "WebM"},
		{"a PNG cut short is malformed", string(fixture(t, "ok.png")[:300]), "", "malformed", ""},
		{"text is not media", "just some words, not an image", "image/png", "unsupported_format", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := len(d.p.Calls())
			header := []string{"Authorization", aliceAuth}
			if tc.contentType != "" {
				header = append(header, "Content-Type", tc.contentType)
			}
			code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", tc.body, header...)
			msg, _ := v["error"].(map[string]any)["message"].(string)
			if code != http.StatusUnprocessableEntity || errCode(v) != tc.code || !strings.Contains(msg, tc.reason) || msg == "" {
				t.Fatalf("upload: %d %v, want 422 %s with a reason naming %q", code, v, tc.code, tc.reason)
			}
			d.nothingStoredOrSent(t, calls)
		})
	}
	for _, tc := range []struct {
		name, code string
		parts      []string
	}{
		{"a video without a preview", "preview_needed", []string{"file", video}},
		{"a video whose preview is a video", "bad_preview", []string{"file", video, "preview", video}},
		{"a video whose preview is over 1 MB", "bad_preview", []string{"file", video, "preview", string(bigPNG(t, 1_000_000))}},
		{"audio without its duration", "duration_needed", []string{"file", string(fixture(t, "ok.m4a"))}},
		{"a WebM video with a preview", "unsupported_format", []string{"file", string(fixture(t, "bad-vp9.webm")), "preview", preview}},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			calls := len(d.p.Calls())
			body, ct := form(t, tc.parts...)
			if code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", body, "Authorization", aliceAuth, "Content-Type", ct); code != http.StatusUnprocessableEntity || errCode(v) != tc.code {
				t.Fatalf("upload: %d %v, want 422 %s", code, v, tc.code)
			}
			d.nothingStoredOrSent(t, calls)
		})
	}
}

// nothingStoredOrSent fails t when the blob store holds anything, LINE
// was called since it had calls calls, or the transcript has more than
// the customer's first message.
func (d *lineDesk) nothingStoredOrSent(t *testing.T, calls int) {
	t.Helper()
	d.desk.Flush(context.Background())
	if n := d.blobs.Len(); n != 0 {
		t.Errorf("the blob store holds %d blobs, want none", n)
	}
	if n := len(d.p.Calls()); n != calls {
		t.Errorf("LINE was called %d more times, want none", n-calls)
	}
	if msgs, _ := d.desk.Transcript(context.Background(), d.enq, 0, 100); len(msgs) != 1 {
		t.Errorf("the transcript has %d messages, want the customer's one", len(msgs))
	}
}

func TestVideoAndAudioAreUploadedWithWhatLINENeeds(t *testing.T) {
	d := serveLINEDesk(t)
	video, preview, audio := fixture(t, "ok-h264-aac.mp4"), fixture(t, "ok.jpg"), fixture(t, "ok.m4a")

	body, ct := form(t, "file", string(video), "preview", string(preview))
	if code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", body, "Authorization", aliceAuth, "Content-Type", ct); code != http.StatusOK {
		t.Fatalf("video upload: %d %v, want 200", code, v)
	}
	body, ct = form(t, "duration", "2500", "file", string(audio))
	if code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", body, "Authorization", aliceAuth, "Content-Type", ct); code != http.StatusOK {
		t.Fatalf("audio upload: %d %v, want 200", code, v)
	}
	if code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media?duration=1200", string(audio), "Authorization", aliceAuth); code != http.StatusOK {
		t.Fatalf("audio upload with the duration in the query: %d %v, want 200", code, v)
	}
	got := d.received()
	if len(got) != 3 || got[0].Type != "video" || got[1].Type != "audio" || got[2].Type != "audio" {
		t.Fatalf("the customer received %+v, want a video and two audio messages", got)
	}
	if got[1].Duration != 2500 || got[2].Duration != 1200 {
		t.Errorf("audio durations %d and %d ms, want 2500 and 1200", got[1].Duration, got[2].Duration)
	}
	for _, tc := range []struct {
		name, url, typ string
		want           []byte
	}{
		{"the video", got[0].OriginalContentURL, "video/mp4", video},
		{"the video's preview", got[0].PreviewImageURL, "image/jpeg", preview},
		{"the audio", got[1].OriginalContentURL, "audio/mp4", audio},
	} {
		t.Run(tc.name+" is served at its signed URL", func(t *testing.T) {
			res, b := d.fetch(t, tc.url)
			if res.StatusCode != http.StatusOK || !bytes.Equal(b, tc.want) || res.Header.Get("Content-Type") != tc.typ {
				t.Fatalf("GET: %s, %d bytes of %s, want 200 with the %d uploaded, %s", res.Status, len(b), res.Header.Get("Content-Type"), len(tc.want), tc.typ)
			}
		})
	}
}

func TestOnlyTheStaffMemberInTheRoomMayUpload(t *testing.T) {
	d := serveLINEDesk(t)
	img := string(fixture(t, "ok.png"))
	enq := "/api/enquiries/" + d.enq + "/media"
	for _, tc := range []struct {
		name, path, auth string
		want             int
		code             string
	}{
		{"bob, who does not attend it, is refused", enq, bobAuth, http.StatusForbidden, "not_owner"},
		{"a staff token may not name another staff member", enq + "?staff=bob", aliceAuth, http.StatusForbidden, "not_yourself"},
		{"a service credential must name the staff member", enq, "Bearer service-token", http.StatusUnprocessableEntity, "missing_staff"},
		{"an unknown enquiry is not found", "/api/enquiries/no-such/media", aliceAuth, http.StatusNotFound, "not_found"},
		{"no credential is refused", enq, "", http.StatusUnauthorized, "unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := len(d.p.Calls())
			var header []string
			if tc.auth != "" {
				header = []string{"Authorization", tc.auth}
			}
			if code, v := d.call(t, "POST", tc.path, img, header...); code != tc.want || errCode(v) != tc.code {
				t.Fatalf("upload: %d %v, want %d %s", code, v, tc.want, tc.code)
			}
			d.nothingStoredOrSent(t, calls)
		})
	}
	t.Run("a service credential naming alice sends as alice", func(t *testing.T) {
		code, v := d.call(t, "POST", enq+"?staff=alice", img, "Authorization", "Bearer service-token")
		if code != http.StatusOK || v["message"].(map[string]any)["staff"] != "alice" {
			t.Fatalf("upload: %d %v, want 200 from alice", code, v)
		}
	})
	t.Run("nothing is uploaded to a closed enquiry", func(t *testing.T) {
		if _, err := d.desk.Close(context.Background(), d.enq, "alice"); err != nil {
			t.Fatal(err)
		}
		if code, v := d.call(t, "POST", enq, img, "Authorization", aliceAuth); code != http.StatusConflict || errCode(v) != "closed" {
			t.Fatalf("upload: %d %v, want 409 closed", code, v)
		}
	})
}

func TestAnUploadTheDeskRefusesLeavesNothingStored(t *testing.T) {
	d := serveLINEDesk(t)
	// The customer blocks the account: the desk refuses to send, after
	// the upload passed every check of the HTTP layer.
	if err := d.desk.SetFriendship(context.Background(), "main", "U1", enquiry.Blocked, time.Now()); err != nil {
		t.Fatal(err)
	}
	calls := len(d.p.Calls())
	if code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", string(fixture(t, "ok.png")), "Authorization", aliceAuth); code != http.StatusConflict || errCode(v) != "blocked" {
		t.Fatalf("upload: %d %v, want 409 blocked", code, v)
	}
	d.nothingStoredOrSent(t, calls)
}

func TestMediaURLNeedsAnHTTPSPublicURL(t *testing.T) {
	for _, base := range []string{"", "http://desk.example", "desk.example", "https://"} {
		h, err := New(Config{Desk: &enquiry.Desk{}, Feed: &enquiry.Feed{}, Media: MediaLinks{PublicURL: base}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.MediaURL(context.Background(), enquiry.MediaRef{Key: "k"}); err != ErrNoPublicURL {
			t.Errorf("PublicURL %q: MediaURL error %v, want ErrNoPublicURL", base, err)
		}
	}
	h, err := New(Config{Desk: &enquiry.Desk{}, Feed: &enquiry.Feed{}, Media: MediaLinks{PublicURL: "https://desk.example/help/"}})
	if err != nil {
		t.Fatal(err)
	}
	u, p, err := h.MediaURL(context.Background(), enquiry.MediaRef{Key: "staff/e 1/x.png", PreviewKey: "staff/e 1/x-preview.jpg"})
	if err != nil || !strings.HasPrefix(u, "https://desk.example/help/media/staff/e%201/x.png?expires=") || !strings.HasPrefix(p, "https://desk.example/help/media/staff/e%201/x-preview.jpg?") {
		t.Fatalf("MediaURL = %q, %q, %v: want URLs under the public URL's path, keys escaped", u, p, err)
	}
}

func TestAHandlerWithoutAKeyWarnsThatReplicasNeedOne(t *testing.T) {
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	if _, err := New(Config{Desk: &enquiry.Desk{}, Feed: &enquiry.Feed{}, Logger: log, Media: MediaLinks{PublicURL: publicURL}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "replicas must share one key") {
		t.Fatalf("logs %q: want a warning that replicas need a shared key", logs.String())
	}
	a, _ := newSigner(MediaLinks{}, time.Now)
	b, _ := newSigner(MediaLinks{}, time.Now)
	if bytes.Equal(a.key, b.key) || len(a.key) < 32 {
		t.Fatalf("generated keys %x and %x: want two different keys of 32 bytes", a.key, b.key)
	}
}

func TestALinkIsValidForTheConfiguredTime(t *testing.T) {
	now := clock.NewFake(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		name      string
		ttl       time.Duration
		ok, after time.Duration // valid at ok, expired at after
	}{
		{"the default is a week", 0, 7*24*time.Hour - time.Second, 7 * 24 * time.Hour},
		{"a TTL of 30 days", 30 * 24 * time.Hour, 29 * 24 * time.Hour, 30 * 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now.Set(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
			s, _ := newSigner(MediaLinks{PublicURL: publicURL, Key: "k", TTL: tc.ttl}, now.Now)
			path, query, _ := strings.Cut(s.sign("a/b.png"), "?")
			l, err := parseSignedLink(strings.TrimPrefix(path, signedMediaPath), mustQuery(t, query))
			if err != nil {
				t.Fatal(err)
			}
			now.Advance(tc.ok)
			if err := s.verify(l); err != nil {
				t.Fatalf("after %v: %v, want valid", tc.ok, err)
			}
			now.Set(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).Add(tc.after))
			if err := s.verify(l); err != errExpired {
				t.Fatalf("after %v: %v, want errExpired", tc.after, err)
			}
		})
	}
}

// mustQuery parses a URL's query.
func mustQuery(t testing.TB, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAnImageOver1MBGetsAPreviewDrawnByTheDesk(t *testing.T) {
	d := serveLINEDesk(t)
	img := bigPNG(t, 5_000_000) // random pixels, about 1,120 on a side
	if code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", string(img), "Authorization", aliceAuth); code != http.StatusOK {
		t.Fatalf("upload: %d %v, want 200", code, v)
	}
	got := d.received()
	if len(got) != 1 || got[0].Type != "image" || got[0].PreviewImageURL == got[0].OriginalContentURL {
		t.Fatalf("the customer received %+v, want the image with a preview of its own", got)
	}
	res, body := d.fetch(t, got[0].PreviewImageURL)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" || len(body) > MaxPreviewBytes {
		t.Fatalf("GET the preview: %s, %d bytes of %s, want 200 and a JPEG of at most 1 MB", res.Status, len(body), res.Header.Get("Content-Type"))
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(body))
	if err != nil || max(cfg.Width, cfg.Height) > previewSide || cfg.Width != cfg.Height {
		t.Fatalf("the preview is %dx%d (%v), want a square of at most %d pixels", cfg.Width, cfg.Height, err, previewSide)
	}
	t.Run("an image too large in pixels to draw needs a preview sent with it", func(t *testing.T) {
		var b bytes.Buffer
		// 6,000 × 6,000 pixels of one colour: a small file, 36 megapixels.
		if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 6000, 6000))); err != nil {
			t.Fatal(err)
		}
		// A tEXt chunk, which decoders skip, takes it past 1 MB.
		text := append([]byte("Comment\x00"), bytes.Repeat([]byte("x"), MaxPreviewBytes)...)
		chunk := binary.BigEndian.AppendUint32(nil, uint32(len(text)))
		chunk = append(append(chunk, "tEXt"...), text...)
		chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
		raw := b.Bytes()
		padded := slices.Concat(raw[:len(raw)-12], chunk, raw[len(raw)-12:]) // before IEND
		if _, err := png.DecodeConfig(bytes.NewReader(padded)); err != nil {
			t.Fatalf("the padded PNG: %v", err)
		}
		calls := len(d.p.Calls())
		if code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", string(padded), "Authorization", aliceAuth); code != http.StatusUnprocessableEntity || errCode(v) != "preview_needed" {
			t.Fatalf("upload: %d %v, want 422 preview_needed", code, v)
		}
		if n := len(d.p.Calls()); n != calls {
			t.Errorf("LINE was called %d more times, want none", n-calls)
		}
	})
}

func TestWithoutAPublicURLAnUploadFailsSayingWhatToSet(t *testing.T) {
	d := serveLINEDeskWith(t, MediaLinks{}, media.LINE)
	code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", string(fixture(t, "ok.png")), "Authorization", aliceAuth)
	m, _ := v["message"].(map[string]any)
	if code != http.StatusOK || m["delivery"] != "failed" || !strings.Contains(m["deliveryReason"].(string), "DESK_PUBLIC_URL") {
		t.Fatalf("upload: %d %v, want 200 with the message failed, the reason naming DESK_PUBLIC_URL", code, v)
	}
	if n := len(d.received()); n != 0 {
		t.Fatalf("the customer received %d messages, want none", n)
	}
}

func TestAnUploadOverTheKindsLargestLimitIsNotReadThrough(t *testing.T) {
	small := media.LINE
	small.MaxImageBytes, small.MaxAudioBytes, small.MaxVideoBytes = 100, 2000, 3000
	d := serveLINEDeskWith(t, MediaLinks{PublicURL: publicURL, Key: "k"}, small)
	body := strings.Repeat("x", 3000+uploadOverhead+1)
	code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", body, "Authorization", aliceAuth, "Content-Type", "image/png")
	if code != http.StatusRequestEntityTooLarge || errCode(v) != "too_large" {
		t.Fatalf("upload of %d bytes: %d %v, want 413 too_large", len(body), code, v)
	}
	d.nothingStoredOrSent(t, len(d.p.Calls()))
	t.Run("under the cap, the kind's own limit refuses it", func(t *testing.T) {
		code, v := d.call(t, "POST", "/api/enquiries/"+d.enq+"/media", string(fixture(t, "ok.png")), "Authorization", aliceAuth)
		if code != http.StatusUnprocessableEntity || errCode(v) != "too_large" {
			t.Fatalf("upload of a 469-byte PNG, over a 100-byte limit: %d %v, want 422 too_large", code, v)
		}
	})
}
