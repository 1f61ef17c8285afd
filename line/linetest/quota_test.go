package linetest_test

import (
	"testing"

	"github.com/socialdesk/socialdesk/line/linetest"
)

func TestPlatformQuotaIsNoneUntilSet(t *testing.T) {
	p := newPlatform(t)
	q := do(t, "GET", p.URL()+"/v2/bot/message/quota", tok, "", "")
	if q.status != 200 || q.body["type"] != "none" || q.body["value"] != nil {
		t.Errorf("quota: %d %v, want 200 {type: none}", q.status, q.body)
	}
	c := do(t, "GET", p.URL()+"/v2/bot/message/quota/consumption", tok, "", "")
	if c.status != 200 || c.body["totalUsage"] != 0.0 {
		t.Errorf("consumption: %d %v, want 200 {totalUsage: 0}", c.status, c.body)
	}
	if a := do(t, "GET", p.URL()+"/v2/bot/message/quota", "nope", "", ""); a.status != 401 {
		t.Errorf("quota with an unknown token: %d, want 401", a.status)
	}
}

func TestPlatformCountsPushesByRecipientAndRefusesThemAtTheLimit(t *testing.T) {
	p := newPlatform(t)
	p.SetQuota(bot, linetest.Quota{Limited: true, Limit: 2})
	fiveMessages := `{"to":"Uuser","messages":[` +
		`{"type":"text","text":"1"},{"type":"text","text":"2"},{"type":"text","text":"3"},{"type":"text","text":"4"},{"type":"text","text":"5"}]}`
	if a := do(t, "POST", p.URL()+"/v2/bot/message/push", tok, "", fiveMessages); a.status != 200 {
		t.Fatalf("first push: %d %v", a.status, a.body)
	}
	if got := p.Consumption(bot); got != 1 {
		t.Errorf("after one push of five messages to one user, consumption %d, want 1", got)
	}
	tk := p.IssueReplyToken(bot, user)
	if a := do(t, "POST", p.URL()+"/v2/bot/message/reply", tok, "", `{"replyToken":"`+tk+`","messages":[{"type":"text","text":"free"}]}`); a.status != 200 {
		t.Fatalf("reply: %d %v", a.status, a.body)
	}
	if got := p.Consumption(bot); got != 1 {
		t.Errorf("after a reply, consumption %d, want 1 (replies are free)", got)
	}
	if a := do(t, "POST", p.URL()+"/v2/bot/message/push", tok, "", pushBody); a.status != 200 {
		t.Fatalf("second push: %d %v", a.status, a.body)
	}

	third := do(t, "POST", p.URL()+"/v2/bot/message/push", tok, key, pushBody)
	if third.status != 429 || third.body["message"] != "You have reached your monthly limit." || len(third.body) != 1 {
		t.Errorf("third push: %d %v, want 429 {message: You have reached your monthly limit.}", third.status, third.body)
	}
	if got := len(p.Pushes()); got != 2 {
		t.Errorf("%d pushes delivered, want 2", got)
	}
	if got := p.Consumption(bot); got != 2 {
		t.Errorf("consumption %d after a refused push, want 2", got)
	}
	q := do(t, "GET", p.URL()+"/v2/bot/message/quota", tok, "", "")
	c := do(t, "GET", p.URL()+"/v2/bot/message/quota/consumption", tok, "", "")
	if q.body["type"] != "limited" || q.body["value"] != 2.0 || c.body["totalUsage"] != 2.0 {
		t.Errorf("quota %v, consumption %v; want limited 2, totalUsage 2", q.body, c.body)
	}

	p.SetConsumption(bot, 0) // the month turns
	if a := do(t, "POST", p.URL()+"/v2/bot/message/push", tok, key, pushBody); a.status != 200 {
		t.Errorf("push after the month turned, with the refused push's retry key: %d %v, want 200", a.status, a.body)
	}
}
