package linetest_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/socialdesk/socialdesk/line/linetest"
)

func TestPlatformMarksAsReadOnlyWithATokenItIssued(t *testing.T) {
	p := newPlatform(t)
	url := p.URL() + "/v2/bot/chat/markAsRead"
	good := p.IssueReadToken(bot, user)
	tests := []struct {
		name, token, body string
		want              int
		message           string
	}{
		{"an issued token is accepted", tok, fmt.Sprintf(`{"markAsReadToken":%q}`, good), 200, ""},
		{"an issued token may be used again", tok, fmt.Sprintf(`{"markAsReadToken":%q}`, good), 200, ""},
		{"a token the platform did not issue is refused", tok, `{"markAsReadToken":"made-up"}`, 400, "Invalid markAsReadToken"},
		{"a missing token is refused", tok, `{}`, 400, "The request body has 1 error(s)"},
		{"a body that is not JSON is refused", tok, `{`, 400, "The request body could not be parsed as JSON"},
		{"an unknown access token is refused", "wrong", fmt.Sprintf(`{"markAsReadToken":%q}`, good), 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, "POST", url, tt.token, "", tt.body)
			if a.status != tt.want {
				t.Fatalf("status %d, want %d (%v)", a.status, tt.want, a.body)
			}
			if tt.message != "" && a.body["message"] != tt.message {
				t.Errorf("message %q, want %q", a.body["message"], tt.message)
			}
		})
	}
	reads := p.Reads()
	if len(reads) != 2 || reads[0] != (linetest.Read{Bot: bot, User: user, Token: good, Time: reads[0].Time}) {
		t.Errorf("reads %+v, want the two accepted ones", reads)
	}
}

func TestPlatformAcceptsQuoteTokensItIssuedForTheChat(t *testing.T) {
	p := newPlatform(t)
	push := func(quote string) answer {
		body := fmt.Sprintf(`{"to":%q,"messages":[{"type":"text","text":"hi","quoteToken":%q}]}`, user, quote)
		return do(t, "POST", p.URL()+"/v2/bot/message/push", tok, "", body)
	}
	if a := push(p.IssueQuoteToken(bot, user)); a.status != 200 {
		t.Fatalf("a quote of the user's message: %d %v", a.status, a.body)
	}
	t.Run("a sent message's quote token quotes it", func(t *testing.T) {
		a := push("")
		var sent struct {
			SentMessages []struct{ QuoteToken string } `json:"sentMessages"`
		}
		b, _ := json.Marshal(a.body)
		json.Unmarshal(b, &sent)
		if len(sent.SentMessages) != 1 || sent.SentMessages[0].QuoteToken == "" {
			t.Fatalf("no quote token in %v", a.body)
		}
		if a := push(sent.SentMessages[0].QuoteToken); a.status != 200 {
			t.Fatalf("quoting the sent message: %d %v", a.status, a.body)
		}
	})
	t.Run("other tokens are refused with the property named", func(t *testing.T) {
		for _, q := range []string{"made-up", p.IssueQuoteToken(bot, "Uother")} {
			a := push(q)
			details, _ := a.body["details"].([]any)
			if a.status != 400 || len(details) != 1 || details[0].(map[string]any)["property"] != "messages[0].quoteToken" {
				t.Errorf("quote %q: %d %v, want 400 naming messages[0].quoteToken", q, a.status, a.body)
			}
		}
	})
	if n := len(p.Pushes()); n != 3 {
		t.Errorf("%d pushes delivered, want 3", n)
	}
}
