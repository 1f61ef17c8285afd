package whatsapptest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

const (
	phoneID  = "106540352242922"
	token    = "EAAtoken"
	customer = "16505551234"
)

type fixture struct {
	p   *whatsapptest.Platform
	now time.Time
}

func newPlatform(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{p: whatsapptest.New(), now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	t.Cleanup(f.p.Close)
	f.p.SetClock(func() time.Time { return f.now })
	f.p.AddPhoneNumber(whatsapptest.PhoneNumber{ID: phoneID, DisplayPhoneNumber: "15550783881", Account: "waba1", Token: token, AppSecret: "secret"})
	f.p.AddPhoneNumber(whatsapptest.PhoneNumber{ID: "other", Token: "other-token"})
	return f
}

// customerWrites delivers a text from the customer (opening the window)
// and returns its message ID.
func (f *fixture) customerWrites(t *testing.T) string {
	t.Helper()
	it := whatsapptest.Text(customer, "hello", whatsapptest.WithName("Sheena"))
	n, err := whatsapp.ParseNotification(f.p.Deliver(phoneID, it))
	if err != nil || n.Changes[0].Messages[0].ID != it.ID() {
		t.Fatalf("the delivered body does not parse back: %+v %v", n, err)
	}
	return it.ID()
}

type apiResult struct {
	status int
	body   map[string]any
	header http.Header
}

func call(t *testing.T, method, url, tok string, body any) apiResult {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := apiResult{status: resp.StatusCode, header: resp.Header}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("answer %q is not JSON: %v", raw, err)
		}
	}
	return r
}

func (f *fixture) send(t *testing.T, tok string, body map[string]any) apiResult {
	t.Helper()
	return call(t, http.MethodPost, f.p.URL()+"/"+phoneID+"/messages", tok, body)
}

func text(to, body string) map[string]any {
	return map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
		"text": map[string]any{"preview_url": false, "body": body}}
}

// metaCode checks an error answer has Meta's shape and returns its code.
func metaCode(t *testing.T, r apiResult) int {
	t.Helper()
	e, ok := r.body["error"].(map[string]any)
	if !ok {
		t.Fatalf("answer %d %v has no error object", r.status, r.body)
	}
	for _, k := range []string{"message", "type", "fbtrace_id"} {
		if s, _ := e[k].(string); s == "" {
			t.Fatalf("error %v lacks %q", e, k)
		}
	}
	code, ok := e["code"].(float64)
	if !ok {
		t.Fatalf("error %v has no numeric code", e)
	}
	return int(code)
}

func TestSendingText(t *testing.T) {
	f := newPlatform(t)
	f.customerWrites(t)
	r := f.send(t, token, text(customer, "How can I help?"))
	if r.status != 200 || r.body["messaging_product"] != "whatsapp" {
		t.Fatalf("answer %d %v", r.status, r.body)
	}
	contacts := r.body["contacts"].([]any)[0].(map[string]any)
	msgs := r.body["messages"].([]any)[0].(map[string]any)
	id, _ := msgs["id"].(string)
	if contacts["input"] != customer || contacts["wa_id"] != customer || !strings.HasPrefix(id, "wamid.") {
		t.Fatalf("answer %v", r.body)
	}
	got := f.p.Received(customer)
	if len(got) != 1 || got[0].ID != id || got[0].Text != "How can I help?" || got[0].Type != "text" || !got[0].Time.Equal(f.now) {
		t.Fatalf("received %+v", got)
	}
}

func TestTheCustomerServiceWindow(t *testing.T) {
	f := newPlatform(t)
	t.Run("a customer who never wrote cannot be sent free-form messages", func(t *testing.T) {
		r := f.send(t, token, text(customer, "hi"))
		if r.status != 400 || metaCode(t, r) != whatsapptest.CodeReengagement {
			t.Fatalf("answer %d %v", r.status, r.body)
		}
		e := r.body["error"].(map[string]any)
		if !strings.Contains(e["message"].(string), "Re-engagement message") ||
			!strings.Contains(e["error_data"].(map[string]any)["details"].(string), "24 hours") {
			t.Fatalf("error %v", e)
		}
	})
	f.customerWrites(t)
	t.Run("within 24 hours of the customer's message a text goes out", func(t *testing.T) {
		f.now = f.now.Add(whatsapptest.ServiceWindow - time.Second)
		if r := f.send(t, token, text(customer, "still here")); r.status != 200 {
			t.Fatalf("answer %d %v", r.status, r.body)
		}
	})
	t.Run("24 hours after it the window is closed", func(t *testing.T) {
		f.now = f.now.Add(time.Second)
		if f.p.WindowOpen(phoneID, customer) {
			t.Fatal("WindowOpen is true")
		}
		r := f.send(t, token, text(customer, "too late"))
		if r.status != 400 || metaCode(t, r) != whatsapptest.CodeReengagement {
			t.Fatalf("answer %d %v", r.status, r.body)
		}
	})
	t.Run("a template still goes out", func(t *testing.T) {
		r := f.send(t, token, map[string]any{"messaging_product": "whatsapp", "to": customer, "type": "template",
			"template": map[string]any{"name": "hello_world", "language": map[string]any{"code": "en_US"}}})
		if r.status != 200 {
			t.Fatalf("answer %d %v", r.status, r.body)
		}
	})
	t.Run("a new customer message opens it again", func(t *testing.T) {
		f.customerWrites(t)
		if r := f.send(t, token, text(customer, "welcome back")); r.status != 200 {
			t.Fatalf("answer %d %v", r.status, r.body)
		}
	})
	if n := len(f.p.Received(customer)); n != 3 {
		t.Fatalf("the customer received %d messages, want 3", n)
	}
}

func TestRefusals(t *testing.T) {
	f := newPlatform(t)
	inbound := f.customerWrites(t)
	f.p.AddMedia("big-jpeg", whatsapptest.Media{Data: bigJPEG(6_000_000), MIMEType: "image/jpeg", PhoneNumberID: phoneID})
	f.p.AddMedia("png", whatsapptest.Media{Data: tinyPNG(), MIMEType: "image/png", PhoneNumberID: phoneID})
	f.p.AddMedia("theirs", whatsapptest.Media{Data: tinyPNG(), MIMEType: "image/png", PhoneNumberID: "other"})
	image := func(obj map[string]any) map[string]any {
		return map[string]any{"messaging_product": "whatsapp", "to": customer, "type": "image", "image": obj}
	}
	tests := []struct {
		name   string
		tok    string
		body   map[string]any
		status int
		code   int
	}{
		{"an unknown token gets 401 code 190", "nope", text(customer, "hi"), 401, 190},
		{"another number's token gets 401 code 190", "other-token", text(customer, "hi"), 401, 190},
		{"no messaging_product gets 400 code 100", token, map[string]any{"to": customer, "type": "text", "text": map[string]any{"body": "x"}}, 400, 100},
		{"an empty text gets 400 code 100", token, text(customer, ""), 400, 100},
		{"4,097 characters get 400 code 100", token, text(customer, strings.Repeat("a", 4097)), 400, 100},
		{"4,096 characters go out", token, text(customer, strings.Repeat("a", 4096)), 200, 0},
		{"an unknown type gets 400 code 100", token, map[string]any{"messaging_product": "whatsapp", "to": customer, "type": "hologram"}, 400, 100},
		{"an image by link goes out", token, image(map[string]any{"link": "https://example.com/a.png", "caption": "see"}), 200, 0},
		{"an image by ID goes out", token, image(map[string]any{"id": "png"}), 200, 0},
		{"an image with both ID and link gets 400 code 100", token, image(map[string]any{"id": "png", "link": "https://example.com/a.png"}), 400, 100},
		{"an image link that is not a URL gets 400 code 100", token, image(map[string]any{"link": "file:///etc/passwd"}), 400, 100},
		{"an unknown media ID gets 400 code 100", token, image(map[string]any{"id": "nope"}), 400, 100},
		{"another number's media gets 400 code 100", token, image(map[string]any{"id": "theirs"}), 400, 100},
		{"a 6 MB JPEG by ID gets 400 code 131053", token, image(map[string]any{"id": "big-jpeg"}), 400, 131053},
		{"a PNG sent as audio gets 400 code 131053", token, map[string]any{"messaging_product": "whatsapp", "to": customer, "type": "audio", "audio": map[string]any{"id": "png"}}, 400, 131053},
		{"a reaction to the customer's message goes out", token, map[string]any{"messaging_product": "whatsapp", "to": customer, "type": "reaction",
			"reaction": map[string]any{"message_id": inbound, "emoji": "👍"}}, 200, 0},
		{"a reaction to an unknown message gets 400 code 100", token, map[string]any{"messaging_product": "whatsapp", "to": customer, "type": "reaction",
			"reaction": map[string]any{"message_id": "wamid.nope", "emoji": "👍"}}, 400, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.send(t, tt.tok, tt.body)
			if r.status != tt.status {
				t.Fatalf("answer %d %v, want %d", r.status, r.body, tt.status)
			}
			if tt.code != 0 && metaCode(t, r) != tt.code {
				t.Fatalf("code %d, want %d", metaCode(t, r), tt.code)
			}
			if tt.status == 401 && !strings.Contains(r.header.Get("WWW-Authenticate"), "OAuth") {
				t.Fatalf("no WWW-Authenticate on a 401")
			}
		})
	}
	sent := f.p.Sent()
	if len(sent) != 4 || sent[1].Link != "https://example.com/a.png" || sent[1].Text != "see" || sent[2].MediaID != "png" || sent[3].Emoji != "👍" || sent[3].ReactTo != inbound {
		t.Fatalf("sent %+v", sent)
	}
	calls := f.p.Calls()
	if len(calls) != len(tests) || calls[0].Status != 401 || calls[0].Code != 190 || calls[0].PhoneNumberID != "" || calls[5].Code != 0 || !calls[5].Accepted {
		t.Fatalf("calls %+v", calls)
	}
}

func TestReadReceiptsAndTyping(t *testing.T) {
	f := newPlatform(t)
	in := f.customerWrites(t)
	read := func(id string, typing bool) map[string]any {
		b := map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": id}
		if typing {
			b["typing_indicator"] = map[string]any{"type": "text"}
		}
		return b
	}
	if r := f.send(t, token, read(in, false)); r.status != 200 || r.body["success"] != true {
		t.Fatalf("mark read: %d %v", r.status, r.body)
	}
	if r := f.send(t, token, read(in, true)); r.status != 200 || r.body["success"] != true {
		t.Fatalf("typing: %d %v", r.status, r.body)
	}
	if r := f.send(t, token, read("wamid.unknown", false)); r.status != 400 || metaCode(t, r) != 100 {
		t.Fatalf("unknown message: %d %v", r.status, r.body)
	}
	got := f.p.Receipts()
	if len(got) != 2 || got[0].MessageID != in || got[0].Typing || !got[1].Typing {
		t.Fatalf("receipts %+v", got)
	}
}

func TestMediaDownload(t *testing.T) {
	f := newPlatform(t)
	data := tinyPNG()
	f.p.AddMedia("1003383421387256", whatsapptest.Media{Data: data, MIMEType: "image/png", PhoneNumberID: phoneID})
	r := call(t, http.MethodGet, f.p.URL()+"/1003383421387256", token, nil)
	if r.status != 200 {
		t.Fatalf("answer %d %v", r.status, r.body)
	}
	for _, k := range []string{"url", "mime_type", "sha256", "file_size", "id", "messaging_product"} {
		if _, ok := r.body[k]; !ok {
			t.Fatalf("answer %v lacks %q", r.body, k)
		}
	}
	if r.body["mime_type"] != "image/png" || r.body["file_size"] != float64(len(data)) || r.body["id"] != "1003383421387256" {
		t.Fatalf("answer %v", r.body)
	}
	u := r.body["url"].(string)
	t.Run("the URL gives the bytes with the token", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !bytes.Equal(got, data) || resp.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("%d %s %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(got))
		}
	})
	t.Run("the URL refuses a request without the token", func(t *testing.T) {
		if r := call(t, http.MethodGet, u, "", nil); r.status != 401 || metaCode(t, r) != 190 {
			t.Fatalf("%d %v", r.status, r.body)
		}
	})
	t.Run("another number's token cannot read it", func(t *testing.T) {
		if r := call(t, http.MethodGet, f.p.URL()+"/1003383421387256", "other-token", nil); r.status != 401 {
			t.Fatalf("%d %v", r.status, r.body)
		}
	})
	t.Run("an unknown media ID gets code 100, subcode 33", func(t *testing.T) {
		r := call(t, http.MethodGet, f.p.URL()+"/999", token, nil)
		if r.status != 400 || metaCode(t, r) != 100 || r.body["error"].(map[string]any)["error_subcode"] != float64(33) {
			t.Fatalf("%d %v", r.status, r.body)
		}
	})
}

func TestThroughputLimits(t *testing.T) {
	f := newPlatform(t)
	f.customerWrites(t)
	t.Run("sends beyond the number's throughput get 429 code 130429", func(t *testing.T) {
		f.p.SetThroughput(2)
		for i, want := range []int{200, 200, 429} {
			r := f.send(t, token, text(customer, "x"))
			if r.status != want || want == 429 && metaCode(t, r) != whatsapptest.CodeThroughput {
				t.Fatalf("send %d: %d %v", i, r.status, r.body)
			}
		}
		f.now = f.now.Add(time.Second)
		if r := f.send(t, token, text(customer, "x")); r.status != 200 {
			t.Fatalf("after a second: %d %v", r.status, r.body)
		}
		f.p.SetThroughput(0)
	})
	t.Run("sends beyond the pair limit get 429 code 131056", func(t *testing.T) {
		f.now = f.now.Add(time.Minute)
		f.p.SetPairLimit(1, 6*time.Second)
		if r := f.send(t, token, text(customer, "x")); r.status != 200 {
			t.Fatalf("first: %d %v", r.status, r.body)
		}
		if r := f.send(t, token, text(customer, "x")); r.status != 429 || metaCode(t, r) != whatsapptest.CodePairRateLimit {
			t.Fatalf("second: %d %v", r.status, r.body)
		}
	})
}

func TestInjectedFaults(t *testing.T) {
	f := newPlatform(t)
	f.customerWrites(t)
	t.Run("a server error is 500 code 131000 and not carried out", func(t *testing.T) {
		f.p.SetFaults(whatsapptest.Faults{ServerErrors: 1})
		r := f.send(t, token, text(customer, "x"))
		if r.status != 500 || metaCode(t, r) != whatsapptest.CodeUnknown {
			t.Fatalf("%d %v", r.status, r.body)
		}
		c := f.p.Calls()
		if last := c[len(c)-1]; last.Fault != "5xx" || last.Accepted || len(f.p.Sent()) != 0 {
			t.Fatalf("call %+v, sent %d", last, len(f.p.Sent()))
		}
	})
	t.Run("a server error may come after the message was carried out", func(t *testing.T) {
		f.p.SetFaults(whatsapptest.Faults{ServerErrors: 1, Accepted: 1})
		if r := f.send(t, token, text(customer, "x")); r.status != 500 {
			t.Fatalf("%d %v", r.status, r.body)
		}
		if len(f.p.Sent()) != 1 {
			t.Fatalf("sent %d, want 1", len(f.p.Sent()))
		}
	})
	t.Run("a throttle is 429 code 130429", func(t *testing.T) {
		f.p.SetFaults(whatsapptest.Faults{Throttles: 1})
		if r := f.send(t, token, text(customer, "x")); r.status != 429 || metaCode(t, r) != whatsapptest.CodeThroughput {
			t.Fatalf("%d %v", r.status, r.body)
		}
	})
	t.Run("a timeout leaves a client that gives up without an answer", func(t *testing.T) {
		f.p.SetFaults(whatsapptest.Faults{Timeouts: 1, Delay: time.Minute})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		b, _ := json.Marshal(text(customer, "x"))
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.p.URL()+"/"+phoneID+"/messages", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Fatalf("got an answer %d", resp.StatusCode)
		}
		c := f.p.Calls()
		if last := c[len(c)-1]; last.Fault != "timeout" {
			t.Fatalf("call %+v", last)
		}
	})
	t.Run("the same seed fails the same way", func(t *testing.T) {
		run := func() []int {
			f.p.SetFaults(whatsapptest.Faults{ServerErrors: 0.5, Seed: 7})
			var out []int
			for range 8 {
				out = append(out, f.send(t, token, text(customer, "x")).status)
			}
			return out
		}
		a, b := run(), run()
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%v and %v differ", a, b)
			}
		}
	})
}

func TestDeliverRequestIsSignedWithTheAppSecret(t *testing.T) {
	f := newPlatform(t)
	req := f.p.DeliverRequest(phoneID, "/webhook/whatsapp/wa", whatsapptest.Text(customer, "hi"), whatsapptest.StatusRead("wamid.x", customer))
	body, _ := io.ReadAll(req.Body)
	if !whatsapp.VerifySignature("secret", body, req.Header.Get(whatsapp.SignatureHeader)) {
		t.Fatal("the request is not signed with the number's app secret")
	}
	n, err := whatsapp.ParseNotification(body)
	if err != nil {
		t.Fatal(err)
	}
	ch := n.Changes[0]
	if ch.PhoneNumberID != phoneID || ch.Account != "waba1" || ch.DisplayPhoneNumber != "15550783881" ||
		len(ch.Messages) != 1 || len(ch.Statuses) != 1 || !ch.Messages[0].Time.Equal(f.now) {
		t.Fatalf("change %+v", ch)
	}
	if !f.p.WindowOpen(phoneID, customer) {
		t.Fatal("delivering the customer's message did not open the window")
	}
}

func tinyPNG() []byte {
	u32 := func(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }
	chunk := func(typ string, data []byte) []byte {
		return append(append(append(u32(uint32(len(data))), typ...), data...), 0, 0, 0, 0)
	}
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, chunk("IHDR", append(append(u32(1), u32(1)...), 8, 2, 0, 0, 0))...)
	b = append(b, chunk("IDAT", make([]byte, 12))...)
	return append(b, chunk("IEND", nil)...)
}

// bigJPEG is a JPEG of about n bytes: minimal headers and a scan of zeros.
func bigJPEG(n int) []byte {
	seg := func(marker byte, payload []byte) []byte {
		l := len(payload) + 2
		return append([]byte{0xFF, marker, byte(l >> 8), byte(l)}, payload...)
	}
	b := []byte{0xFF, 0xD8}
	b = append(b, seg(0xC0, []byte{8, 0, 16, 0, 16, 1, 1, 0x11, 0})...)
	b = append(b, seg(0xDA, []byte{1, 1, 0, 0, 63, 0})...)
	b = append(b, make([]byte, n)...)
	return append(b, 0xFF, 0xD9)
}
