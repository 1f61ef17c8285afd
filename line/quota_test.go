package line_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

func TestQuotaReadsTheLimitAndThisMonthsConsumption(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	ctx := context.Background()

	q, err := f.c.Quota(ctx, f.ch)
	is.NoErr(err)
	is.Eq(q, line.Quota{}, "a quota of type none, nothing sent")
	_, limited := q.Remaining()
	is.True(!limited, "no limit: nothing remaining to count")

	f.p.SetQuota(botID, linetest.Quota{Limited: true, Limit: 3})
	_, err = f.c.Send(ctx, f.outbound(text("one"), text("push")))
	is.NoErr(err)
	q, err = f.c.Quota(ctx, f.ch)
	is.NoErr(err)
	is.Eq(q, line.Quota{Limited: true, Limit: 3, Used: 1}, "two messages pushed to one customer count once")
	n, limited := q.Remaining()
	is.True(limited && n == 2, "2 remaining")
	is.True(!q.Exhausted())

	f.p.SetConsumption(botID, 3)
	q, err = f.c.Quota(ctx, f.ch)
	is.NoErr(err)
	is.True(q.Exhausted(), "used up at the limit")

	var paths []string
	for _, c := range f.p.Calls() {
		if c.Method == "GET" {
			paths = append(paths, c.Path)
		}
	}
	both := "/v2/bot/message/quota /v2/bot/message/quota/consumption"
	is.Eq(strings.Join(paths, " "), both+" "+both+" "+both, "each read asks for the quota and the consumption")

	ch := f.ch
	ch.Credentials.Token = ""
	_, err = f.c.Quota(ctx, ch)
	is.ErrIs(err, line.ErrNoToken)
}

func TestSendStopsPushingForTheMonthOnceTheMonthlyLimitIsReached(t *testing.T) {
	is := outCheck(t)
	// LINE's month is Japan's: January ends at 15:00 UTC on the 31st.
	clk := clock.NewFake(time.Date(2026, 1, 30, 20, 0, 0, 0, time.UTC))
	var logs bytes.Buffer
	f := newFixture(t, line.Config{Clock: clk, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	f.p.SetClock(clk.Now)
	f.p.SetQuota(botID, linetest.Quota{Limited: true, Limit: 1})
	ctx := context.Background()
	pushCalls := func() int {
		n := 0
		for _, c := range f.p.Calls() {
			if c.Path == "/v2/bot/message/push" {
				n++
			}
		}
		return n
	}

	_, err := f.c.Send(ctx, f.outbound(text("first")))
	is.NoErr(err)
	_, ok := f.c.QuotaExhausted(f.ch.ID)
	is.True(!ok, "not exhausted while pushes go out")

	_, err = f.c.Send(ctx, f.outbound(text("second")))
	is.ErrIs(err, line.ErrMonthlyLimit)
	is.ErrIs(err, enquiry.ErrQuotaExhausted)
	is.True(!(err.(interface{ Retryable() bool }).Retryable()), "not retryable")
	is.Eq(pushCalls(), 2, "LINE asked once for the refused push: a 429 for the monthly limit is not retried")
	until, ok := f.c.QuotaExhausted(f.ch.ID)
	is.True(ok, "the client remembers the exhausted quota")
	is.Eq(until.UTC(), time.Date(2026, 1, 31, 15, 0, 0, 0, time.UTC), "until 1 February 00:00 in Japan")

	for range 3 {
		_, err = f.c.Send(ctx, f.outbound(text("more")))
		is.ErrIs(err, enquiry.ErrQuotaExhausted)
	}
	is.Eq(pushCalls(), 2, "no push request while the quota is used up")
	is.Eq(strings.Count(logs.String(), "level=WARN"), 1, "one warning for the channel, logs:\n"+logs.String())
	is.True(strings.Contains(logs.String(), "channel=ch1"), "the warning names the channel")

	out := f.outbound(text("reply"))
	out.Reply = enquiry.Reply{Handle: f.p.IssueReplyToken(botID, customer), At: clk.Now()}
	rec, err := f.c.Send(ctx, out)
	is.NoErr(err)
	is.True(rec.Replied, "a reply, free, still goes out")

	clk.Set(time.Date(2026, 1, 31, 15, 0, 0, 0, time.UTC))
	f.p.SetConsumption(botID, 0)
	_, err = f.c.Send(ctx, f.outbound(text("next month")))
	is.NoErr(err)
	is.Eq(pushCalls(), 3, "pushed again once the month turned")
}

func TestSendPushesAgainOnceARecheckFindsTheQuotaRaised(t *testing.T) {
	is := outCheck(t)
	clk := clock.NewFake(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	f := newFixture(t, line.Config{Clock: clk, QuotaRecheck: 10 * time.Minute})
	f.p.SetClock(clk.Now)
	f.p.SetQuota(botID, linetest.Quota{Limited: true, Limit: 0})
	ctx := context.Background()

	_, err := f.c.Send(ctx, f.outbound(text("refused")))
	is.ErrIs(err, line.ErrMonthlyLimit)
	f.p.SetQuota(botID, linetest.Quota{Limited: true, Limit: 100})
	clk.Advance(9 * time.Minute)
	_, err = f.c.Send(ctx, f.outbound(text("too soon to look")))
	is.ErrIs(err, line.ErrMonthlyLimit)

	clk.Advance(time.Minute)
	_, err = f.c.Send(ctx, f.outbound(text("raised")))
	is.NoErr(err)
	is.Len(len(f.p.Pushes()), 1)
	_, ok := f.c.QuotaExhausted(f.ch.ID)
	is.True(!ok, "no longer exhausted")
}

func TestQuotaWithRoomEndsTheExhaustedMark(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	ctx := context.Background()
	f.p.SetMonthlyLimitReached(botID, true)
	_, err := f.c.Send(ctx, f.outbound(text("refused")))
	is.ErrIs(err, line.ErrMonthlyLimit)
	_, ok := f.c.QuotaExhausted(f.ch.ID)
	is.True(ok)

	f.p.SetMonthlyLimitReached(botID, false)
	q, err := f.c.Quota(ctx, f.ch)
	is.NoErr(err)
	is.True(!q.Exhausted())
	_, ok = f.c.QuotaExhausted(f.ch.ID)
	is.True(!ok, "a quota read with room ends the mark")
	_, err = f.c.Send(ctx, f.outbound(text("pushed")))
	is.NoErr(err)
}

// Should a recheck find room that LINE then refuses (its figures lag, or
// the refusal is for a limit the quota does not show), the push is asked
// once per recheck, and the warning is still given once a month.
func TestSendWarnsOnceAMonthWhenARecheckIsWrong(t *testing.T) {
	is := outCheck(t)
	clk := clock.NewFake(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	var logs bytes.Buffer
	f := newFixture(t, line.Config{Clock: clk, QuotaRecheck: 10 * time.Minute, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	f.p.SetClock(clk.Now)
	f.p.SetMonthlyLimitReached(botID, true) // while the quota reads "none"
	ctx := context.Background()
	for range 3 {
		_, err := f.c.Send(ctx, f.outbound(text("refused")))
		is.ErrIs(err, line.ErrMonthlyLimit)
		clk.Advance(10 * time.Minute)
	}
	pushes := 0
	for _, c := range f.p.Calls() {
		if c.Path == "/v2/bot/message/push" {
			pushes++
		}
	}
	is.Eq(pushes, 3, "one push asked per recheck")
	is.Eq(strings.Count(logs.String(), "level=WARN"), 1, "one warning, logs:\n"+logs.String())
}
