package linetest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/line/linetest"
)

const (
	tok  = "platform-test-token"
	bot  = "Ubot"
	user = "Uuser"
	key  = "123e4567-e89b-42d3-a456-426614174000"
)

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func do(t *testing.T, method, url, token, retryKey, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if retryKey != "" {
		req.Header.Set("X-Line-Retry-Key", retryKey)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, header: res.Header}
	json.Unmarshal(b, &a.body)
	if res.Header.Get("X-Line-Request-Id") == "" {
		t.Errorf("%s %s: no x-line-request-id", method, url)
	}
	return a
}

func newPlatform(t *testing.T) *linetest.Platform {
	p := linetest.New()
	t.Cleanup(p.Close)
	p.AddChannel(linetest.Channel{Token: tok, Secret: "s", BotUserID: bot, DisplayName: "Bot"})
	return p
}

const pushBody = `{"to":"Uuser","messages":[{"type":"text","text":"hi"}]}`

func TestPlatformRefusesAnUnknownTokenAsLINEDoes(t *testing.T) {
	p := newPlatform(t)
	a := do(t, "POST", p.URL()+"/v2/bot/message/push", "nope", "", pushBody)
	if a.status != 401 || !strings.Contains(a.body["message"].(string), "Authentication failed") {
		t.Errorf("got %d %v", a.status, a.body)
	}
	if len(p.Pushes()) != 0 {
		t.Error("delivered anyway")
	}
}

func TestPlatformPushWithARetryKeyIsAcceptedOnce(t *testing.T) {
	p := newPlatform(t)
	first := do(t, "POST", p.URL()+"/v2/bot/message/push", tok, key, pushBody)
	if first.status != 200 {
		t.Fatalf("first push: %d %v", first.status, first.body)
	}
	again := do(t, "POST", p.URL()+"/v2/bot/message/push", tok, key, pushBody)
	if again.status != 409 || again.header.Get("X-Line-Accepted-Request-Id") != first.header.Get("X-Line-Request-Id") {
		t.Errorf("retry: %d, accepted %q, want 409 naming %q", again.status, again.header.Get("X-Line-Accepted-Request-Id"), first.header.Get("X-Line-Request-Id"))
	}
	if bad := do(t, "POST", p.URL()+"/v2/bot/message/push", tok, "not-a-uuid", pushBody); bad.status != 400 {
		t.Errorf("a malformed key: %d", bad.status)
	}
	if got := p.Received(user); len(got) != 1 || got[0].Text != "hi" {
		t.Errorf("received %v", got)
	}
}

func TestPlatformReplyTokensAreSingleUseAndExpire(t *testing.T) {
	p := newPlatform(t)
	clk := clock.NewFake(time.Now())
	p.SetClock(clk.Now)
	body := func(tk string) string {
		return `{"replyToken":"` + tk + `","messages":[{"type":"text","text":"yo"}]}`
	}
	rt := p.IssueReplyToken(bot, user)
	if a := do(t, "POST", p.URL()+"/v2/bot/message/reply", tok, "", body(rt)); a.status != 200 {
		t.Fatalf("reply: %d %v", a.status, a.body)
	}
	if a := do(t, "POST", p.URL()+"/v2/bot/message/reply", tok, "", body(rt)); a.status != 400 || a.body["message"] != "Invalid reply token" {
		t.Errorf("second use: %d %v", a.status, a.body)
	}
	old := p.IssueReplyToken(bot, user)
	clk.Advance(time.Minute)
	if a := do(t, "POST", p.URL()+"/v2/bot/message/reply", tok, "", body(old)); a.status != 400 {
		t.Errorf("expired token: %d", a.status)
	}
	if a := do(t, "POST", p.URL()+"/v2/bot/message/reply", tok, key, body(p.IssueReplyToken(bot, user))); a.status != 400 {
		t.Errorf("a reply with a retry key: %d, want 400", a.status)
	}
	if len(p.Replies()) != 1 || len(p.Received(user)) != 1 {
		t.Errorf("replies %v", p.Replies())
	}
}

func TestPlatformChecksMessagesAsLINEDoes(t *testing.T) {
	p := newPlatform(t)
	for name, msgs := range map[string]string{
		"none":         `[]`,
		"six":          `[{"type":"text","text":"1"},{"type":"text","text":"2"},{"type":"text","text":"3"},{"type":"text","text":"4"},{"type":"text","text":"5"},{"type":"text","text":"6"}]`,
		"empty text":   `[{"type":"text","text":""}]`,
		"long text":    `[{"type":"text","text":"` + strings.Repeat("a", 5001) + `"}]`,
		"http image":   `[{"type":"image","originalContentUrl":"http://x/a.png","previewImageUrl":"https://x/p.png"}]`,
		"no duration":  `[{"type":"audio","originalContentUrl":"https://x/a.m4a"}]`,
		"unknown type": `[{"type":"file"}]`,
	} {
		a := do(t, "POST", p.URL()+"/v2/bot/message/push", tok, "", `{"to":"Uuser","messages":`+msgs+`}`)
		if a.status != 400 || a.body["details"] == nil {
			t.Errorf("%s: %d %v, want 400 with details", name, a.status, a.body)
		}
	}
	if len(p.Pushes()) != 0 {
		t.Error("an invalid push was delivered")
	}
}

func TestPlatformRateLimit(t *testing.T) {
	p := newPlatform(t)
	clk := clock.NewFake(time.Now())
	p.SetClock(clk.Now)
	p.SetRateLimit(3)
	var got []int
	for range 4 {
		got = append(got, do(t, "GET", p.URL()+"/v2/bot/info", tok, "", "").status)
	}
	clk.Advance(time.Second)
	got = append(got, do(t, "GET", p.URL()+"/v2/bot/info", tok, "", "").status)
	if want := []int{200, 200, 200, 429, 200}; !equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
}

func TestPlatformFaultsAreDeterministic(t *testing.T) {
	run := func() []string {
		p := newPlatform(t)
		p.SetFaults(linetest.Faults{ServerErrors: 0.3, RateLimits: 0.2, Seed: 9})
		for range 40 {
			do(t, "GET", p.URL()+"/v2/bot/info", tok, "", "")
		}
		var faults []string
		for _, c := range p.Calls() {
			faults = append(faults, c.Fault)
		}
		return faults
	}
	a, b := run(), run()
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Errorf("one seed, two fault sequences:\n%v\n%v", a, b)
	}
	n := 0
	for _, f := range a {
		if f != "" {
			n++
		}
	}
	if n < 10 || n > 30 {
		t.Errorf("%d faults in 40 requests at 50%%", n)
	}
}

func TestPlatformContentAndProfile(t *testing.T) {
	p := newPlatform(t)
	p.AddContent("m", linetest.Content{Data: []byte("jpeg"), ContentType: "image/jpeg"})
	p.AddContent("v", linetest.Content{Data: []byte("mp4"), Transcoding: "processing"})
	p.AddUser(linetest.User{ID: user, DisplayName: "Ken"})

	res, err := http.NewRequest("GET", p.DataURL()+"/v2/bot/message/m/content", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Header.Set("Authorization", "Bearer "+tok)
	r, err := http.DefaultClient.Do(res)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !bytes.Equal(b, []byte("jpeg")) || r.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("content: %d %q", r.StatusCode, b)
	}
	if a := do(t, "GET", p.DataURL()+"/v2/bot/message/v/content", tok, "", ""); a.status != 202 {
		t.Errorf("processing content: %d, want 202", a.status)
	}
	if a := do(t, "GET", p.DataURL()+"/v2/bot/message/v/content/transcoding", tok, "", ""); a.body["status"] != "processing" {
		t.Errorf("transcoding: %v", a.body)
	}
	if a := do(t, "GET", p.URL()+"/v2/bot/message/m/content", tok, "", ""); a.status != 404 {
		t.Errorf("content on the API host: %d, want 404", a.status)
	}
	if a := do(t, "GET", p.URL()+"/v2/bot/profile/"+user, tok, "", ""); a.body["displayName"] != "Ken" {
		t.Errorf("profile: %v", a.body)
	}
	if a := do(t, "GET", p.URL()+"/v2/bot/profile/Ustranger", tok, "", ""); a.status != 404 {
		t.Errorf("unknown profile: %d", a.status)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzPlatformMessages sends arbitrary request bodies to the fake's push
// endpoint: it answers 200 or 400, never panics, and delivers only what
// it accepted.
func FuzzPlatformMessages(f *testing.F) {
	f.Add(pushBody)
	f.Add(`{"to":"U","messages":[{"type":"image","originalContentUrl":"https://a","previewImageUrl":"https://b"}]}`)
	f.Add(`{"to":"U","messages":[{"type":"sticker","packageId":"1","stickerId":"2"},{}]}`)
	f.Add(`{"messages":null}`)
	f.Add(`[`)
	p := linetest.New()
	defer p.Close()
	p.AddChannel(linetest.Channel{Token: tok, BotUserID: bot})
	f.Fuzz(func(t *testing.T, body string) {
		before := len(p.Pushes())
		req, _ := http.NewRequest("POST", p.URL()+"/v2/bot/message/push", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		delivered := len(p.Pushes()) - before
		switch {
		case res.StatusCode == 200 && delivered == 1:
		case res.StatusCode == 400 && delivered == 0:
		default:
			t.Fatalf("status %d, %d delivered, for %q", res.StatusCode, delivered, body)
		}
	})
}
