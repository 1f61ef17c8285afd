package line_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/internal/retry"
	"github.com/socialdesk/socialdesk/internal/uuid"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
	"github.com/socialdesk/socialdesk/media"
)

const (
	token    = "test-access-token-SECRET"
	secret   = "0123456789abcdef0123456789abcdef"
	botID    = "U00000000000000000000000000000b07"
	customer = "U0000000000000000000000000000c001"
)

// fixture is a fake platform with one channel and a client pointed at it,
// retrying fast.
type fixture struct {
	p  *linetest.Platform
	c  *line.Client
	ch enquiry.Channel
}

func newFixture(t testing.TB, cfg line.Config) fixture {
	t.Helper()
	p := linetest.New()
	t.Cleanup(p.Close)
	p.AddChannel(linetest.Channel{Token: token, Secret: secret, BotUserID: botID, BasicID: "@desk", DisplayName: "Desk"})
	cfg.APIBase, cfg.DataAPIBase = p.URL(), p.DataURL()
	if cfg.BackoffBase == 0 {
		cfg.BackoffBase, cfg.BackoffMax = time.Millisecond, 5*time.Millisecond
	}
	ch := enquiry.Channel{ID: "ch1", Name: "Desk", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Secret: secret, Token: token}}
	return fixture{p: p, c: line.NewClient(cfg), ch: ch}
}

func text(s string) enquiry.Message {
	return enquiry.Message{ID: uuid.New(), Direction: enquiry.Out, Content: enquiry.Content{Kind: enquiry.Text, Text: s}}
}

func (f fixture) outbound(msgs ...enquiry.Message) enquiry.Outbound {
	return enquiry.Outbound{Channel: f.ch, Customer: enquiry.Customer{ID: customer}, Messages: msgs, RetryKey: uuid.New()}
}

func texts(ms []linetest.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}

func TestSendPushesWithTheRetryKey(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	out := f.outbound(text("hello"), text("world"))
	rec, err := f.c.Send(context.Background(), out)
	is.NoErr(err)

	pushes := f.p.Pushes()
	is.Len(len(pushes), 1)
	is.Eq(out.RetryKey, pushes[0].RetryKey)
	is.Eq(customer, pushes[0].To)
	is.Eq(pushes[0].RequestID, rec.RequestID)
	is.True(!(rec.Replied))
	is.Eq([]string{"hello", "world"}, texts(f.p.Received(customer)))
}

func TestSendRepliesWithAFreshToken(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	out := f.outbound(text("hi"))
	out.Reply = enquiry.Reply{Handle: f.p.IssueReplyToken(botID, customer), At: time.Now()}
	rec, err := f.c.Send(context.Background(), out)
	is.NoErr(err)
	is.True(rec.Replied)
	is.Len(len(f.p.Replies()), 1)
	is.Len(len(f.p.Pushes()), 0)
	is.Eq(rec.RequestID, f.p.Replies()[0].RequestID)
	for _, c := range f.p.Calls() {
		is.Eq(c.RetryKey, "", "a reply carries no retry key")
	}
}

func TestSendPushesWhenTheReplyTokenIsStale(t *testing.T) {
	is := outCheck(t)
	clk := clock.NewFake(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	f := newFixture(t, line.Config{Clock: clk, ReplyFreshness: 30 * time.Second})
	out := f.outbound(text("late"))
	out.Reply = enquiry.Reply{Handle: f.p.IssueReplyToken(botID, customer), At: clk.Now()}
	clk.Advance(30 * time.Second)
	rec, err := f.c.Send(context.Background(), out)
	is.NoErr(err)
	is.True(!(rec.Replied))
	is.Len(len(f.p.Pushes()), 1)
	is.Len(len(f.p.Calls()), 1, "a stale token is not even tried")
}

func TestSendPushesOnceTheDesksReplyWindowHasPassed(t *testing.T) {
	is := outCheck(t)
	clk := clock.NewFake(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	f := newFixture(t, line.Config{Clock: clk}) // fresh for 50 s by LINE's rule
	out := f.outbound(text("late"))
	out.Reply = enquiry.Reply{Handle: f.p.IssueReplyToken(botID, customer), At: clk.Now()}
	out.FreeUntil = clk.Now().Add(10 * time.Second)
	clk.Advance(10 * time.Second)
	rec, err := f.c.Send(context.Background(), out)
	is.NoErr(err)
	is.True(!rec.Replied)
	is.Len(len(f.p.Calls()), 1, "a token past FreeUntil is not even tried")
	is.Len(len(f.p.Pushes()), 1)
}

func TestDeskKindCarriesLINEsRules(t *testing.T) {
	c := line.NewClient(line.Config{ReplyFreshness: 40 * time.Second})
	k := line.DeskKind(c)
	if k.Sender != enquiry.Sender(c) || k.MaxBatch != line.MaxMessagesPerRequest || k.Policy.Platform != media.LINE.Platform ||
		k.Policy.MaxTextUnits != media.LINE.MaxTextUnits || k.ReplyWindow != 40*time.Second || !k.PushAfterWindow {
		t.Fatalf("DeskKind = %+v; want the client, LINE's policy, %d a request, a 40 s window, pushes after it", k, line.MaxMessagesPerRequest)
	}
}

func TestSendFallsBackToOnePushWhenTheReplyTokenIsRefused(t *testing.T) {
	for name, prepare := range map[string]func(f fixture) string{
		"used": func(f fixture) string {
			tok := f.p.IssueReplyToken(botID, customer)
			f.p.SetReplyTokenTTL(time.Minute)
			useToken(t, f, tok)
			return tok
		},
		"expired": func(f fixture) string { f.p.SetReplyTokenTTL(0); return f.p.IssueReplyToken(botID, customer) },
		"unknown": func(f fixture) string { return "no-such-token" },
	} {
		t.Run("when the token is "+name, func(t *testing.T) {
			is := outCheck(t)
			f := newFixture(t, line.Config{})
			out := f.outbound(text("answer"))
			out.Reply = enquiry.Reply{Handle: prepare(f), At: time.Now()}
			before := len(f.p.Calls())
			rec, err := f.c.Send(context.Background(), out)
			is.NoErr(err)
			is.True(!(rec.Replied))
			calls := f.p.Calls()[before:]
			is.Len(len(calls), 2)
			is.Eq("/v2/bot/message/reply", calls[0].Path)
			is.Eq(400, calls[0].Status)
			is.Eq("/v2/bot/message/push", calls[1].Path)
			is.Eq(out.RetryKey, calls[1].RetryKey)
		})
	}
}

func useToken(t *testing.T, f fixture, tok string) {
	is := outCheck(t)
	t.Helper()
	out := f.outbound(text("first"))
	out.Reply = enquiry.Reply{Handle: tok, At: time.Now()}
	rec, err := f.c.Send(context.Background(), out)
	is.NoErr(err)
	is.True(rec.Replied)
}

func TestSendRefusesInvalidTextAndSendsNothing(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	for name, s := range map[string]string{"empty": "", "too long": strings.Repeat("é", 5000)} {
		t.Run("when the text is "+name, func(t *testing.T) {
			is := outCheck(t)
			_, err := f.c.Send(context.Background(), f.outbound(text("fine"), text(s)))
			var me *line.MessageError
			is.ErrAs(err, &me)
			is.Eq(1, me.Index)
			is.ErrIs(err, line.ErrUnsendable)
			var mediaErr *media.Error
			is.ErrAs(err, &mediaErr)
			is.True(!(me.Retryable()))
		})
	}
	is.Len(len(f.p.Calls()), 0)
}

func TestSendRefusesBadRequestsBeforeCallingLINE(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	cases := map[string]struct {
		change func(*enquiry.Outbound)
		want   error
	}{
		"no customer":     {func(o *enquiry.Outbound) { o.Customer.ID = "" }, line.ErrNoRecipient},
		"no token":        {func(o *enquiry.Outbound) { o.Channel.Credentials.Token = "" }, line.ErrNoToken},
		"no messages":     {func(o *enquiry.Outbound) { o.Messages = nil }, line.ErrNoMessages},
		"no retry key":    {func(o *enquiry.Outbound) { o.RetryKey = "" }, line.ErrNoRetryKey},
		"a bad retry key": {func(o *enquiry.Outbound) { o.RetryKey = "abc" }, line.ErrNoRetryKey},
		"another kind":    {func(o *enquiry.Outbound) { o.Channel.Kind = "whatsapp" }, line.ErrNotLINE},
		"suspended":       {func(o *enquiry.Outbound) { o.Channel.State = enquiry.Suspended }, enquiry.ErrSuspended},
		"a note":          {func(o *enquiry.Outbound) { o.Messages[0].Content = enquiry.Content{Kind: enquiry.Note, Text: "x"} }, line.ErrUnsendable},
		"image without url": {func(o *enquiry.Outbound) {
			o.Messages[0].Content = enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Kind: media.KindImage}}
		}, line.ErrUnsendable},
	}
	for name, tc := range cases {
		t.Run("with "+name, func(t *testing.T) {
			is := outCheck(t)
			out := f.outbound(text("x"))
			tc.change(&out)
			_, err := f.c.Send(context.Background(), out)
			is.ErrIs(err, tc.want)
		})
	}
	is.Len(len(f.p.Calls()), 0)
}

func TestSendCarriesAtMostOneRequestOfMessages(t *testing.T) {
	var msgs []enquiry.Message
	var want []string
	for i := range line.MaxMessagesPerRequest + 1 {
		msgs = append(msgs, text(fmt.Sprint("m", i)))
		want = append(want, fmt.Sprint("m", i))
	}
	t.Run("six messages are refused with nothing sent", func(t *testing.T) {
		is := outCheck(t)
		f := newFixture(t, line.Config{})
		out := f.outbound(msgs...)
		out.Reply = enquiry.Reply{Handle: f.p.IssueReplyToken(botID, customer), At: time.Now()}
		_, err := f.c.Send(context.Background(), out)
		is.ErrIs(err, line.ErrTooManyMessages)
		is.True(!retry.Retryable(err), "the same Outbound can never succeed")
		is.Len(len(f.p.Calls()), 0)
	})
	t.Run("five messages go in one push with the Outbound's retry key", func(t *testing.T) {
		is := outCheck(t)
		f := newFixture(t, line.Config{})
		out := f.outbound(msgs[:line.MaxMessagesPerRequest]...)
		rec, err := f.c.Send(context.Background(), out)
		is.NoErr(err)
		pushes := f.p.Pushes()
		is.Len(len(pushes), 1)
		is.Eq(pushes[0].RetryKey, out.RetryKey)
		is.Eq(rec.RequestID, pushes[0].RequestID)
		is.Eq(texts(f.p.Received(customer)), want[:line.MaxMessagesPerRequest])

		// Sending the same Outbound again (as a desk retry would) delivers nothing twice.
		_, err = f.c.Send(context.Background(), out)
		is.NoErr(err)
		is.Len(len(f.p.Pushes()), 1)
		is.Eq(texts(f.p.Received(customer)), want[:line.MaxMessagesPerRequest])
	})
	t.Run("five messages go in one reply with a fresh token", func(t *testing.T) {
		is := outCheck(t)
		f := newFixture(t, line.Config{})
		out := f.outbound(msgs[:line.MaxMessagesPerRequest]...)
		out.Reply = enquiry.Reply{Handle: f.p.IssueReplyToken(botID, customer), At: time.Now()}
		rec, err := f.c.Send(context.Background(), out)
		is.NoErr(err)
		is.True(rec.Replied)
		is.Len(len(f.p.Calls()), 1)
		is.Eq(texts(f.p.Received(customer)), want[:line.MaxMessagesPerRequest])
	})
}

func TestSendTreats409WithTheAcceptedRequestAsSent(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	out := f.outbound(text("once"))
	first, err := f.c.Send(context.Background(), out)
	is.NoErr(err)
	again, err := f.c.Send(context.Background(), out)
	is.NoErr(err)
	is.Eq(first.RequestID, again.RequestID, "the accepted request's ID")
	is.Len(len(f.p.Received(customer)), 1)
	calls := f.p.Calls()
	is.Eq(409, calls[len(calls)-1].Status)
}

func TestSendNeverRetriesPermanentRefusals(t *testing.T) {
	t.Run("a wrong token", func(t *testing.T) {
		is := outCheck(t)
		f := newFixture(t, line.Config{})
		out := f.outbound(text("x"))
		out.Channel.Credentials.Token = "wrong-token-SECRET"
		_, err := f.c.Send(context.Background(), out)
		var le *line.Error
		is.ErrAs(err, &le)
		is.Eq(401, le.Status)
		is.ErrIs(err, line.ErrUnauthorized)
		is.True(!(le.Retryable()))
		is.True(le.RequestID != "")
		is.True(!strings.Contains(err.Error(), "SECRET"))
		is.Len(len(f.p.Calls()), 1)
	})
	t.Run("the monthly limit", func(t *testing.T) {
		is := outCheck(t)
		f := newFixture(t, line.Config{})
		f.p.SetMonthlyLimitReached(botID, true)
		_, err := f.c.Send(context.Background(), f.outbound(text("x")))
		is.ErrIs(err, line.ErrMonthlyLimit)
		var le *line.Error
		is.ErrAs(err, &le)
		is.True(!(le.Retryable()))
		is.Len(len(f.p.Calls()), 1)
	})
}

func TestSendRetriesServerErrorsAndRateLimitsUntilAttemptsRunOut(t *testing.T) {
	for name, faults := range map[string]linetest.Faults{
		"500": {ServerErrors: 1},
		"429": {RateLimits: 1},
	} {
		t.Run("on "+name, func(t *testing.T) {
			is := outCheck(t)
			f := newFixture(t, line.Config{MaxAttempts: 4})
			f.p.SetFaults(faults)
			_, err := f.c.Send(context.Background(), f.outbound(text("x")))
			var le *line.Error
			is.ErrAs(err, &le)
			is.True(le.Retryable())
			is.Len(len(f.p.Calls()), 4)
			for _, c := range f.p.Calls() {
				is.True(c.RetryKey != "")
				is.Eq(f.p.Calls()[0].RetryKey, c.RetryKey, "the same key on every attempt")
			}
		})
	}
}

func TestSendRetriesTimeoutsAndCountsAnAcceptedPushOnce(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{RequestTimeout: 50 * time.Millisecond})
	f.p.SetFaults(linetest.Faults{Timeouts: 1, Accepted: 1, Delay: time.Second})
	done := make(chan error, 1)
	out := f.outbound(text("slow"))
	go func() { _, err := f.c.Send(context.Background(), out); done <- err }()
	// Every attempt times out: the first was carried out, later ones are
	// answered 409 by the time the fault is lifted.
	time.Sleep(80 * time.Millisecond)
	f.p.SetFaults(linetest.Faults{})
	is.NoErr(<-done)
	is.Len(len(f.p.Pushes()), 1)
	is.Len(len(f.p.Received(customer)), 1)
}

func TestSendDoesNotReplyTwiceAfterAnUnclearAnswer(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	f.p.SetFaults(linetest.Faults{ServerErrors: 1, Accepted: 1})
	out := f.outbound(text("maybe"))
	out.Reply = enquiry.Reply{Handle: f.p.IssueReplyToken(botID, customer), At: time.Now()}
	_, err := f.c.Send(context.Background(), out)
	is.ErrIs(err, line.ErrDeliveryUncertain)
	is.True(!errors.Is(err, line.ErrInvalidReplyToken))
	var le *line.Error
	is.ErrAs(err, &le)
	is.True(!(le.Retryable()), "a later push could deliver it twice")
	is.Len(len(f.p.Received(customer)), 1, "delivered once; never pushed")
	is.Len(len(f.p.Pushes()), 0)
}

func TestSendRetriesAReplyLINEDidNotCarryOut(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	f.p.SetFaults(linetest.Faults{ServerErrors: 0.5, Seed: 3})
	for range 20 {
		out := f.outbound(text("r"))
		out.Reply = enquiry.Reply{Handle: f.p.IssueReplyToken(botID, customer), At: time.Now()}
		rec, err := f.c.Send(context.Background(), out)
		is.NoErr(err)
		is.True(rec.Replied)
	}
	is.Len(len(f.p.Received(customer)), 20)
}

func TestSendMedia(t *testing.T) {
	is := outCheck(t)
	signed := map[string]string{}
	var mu sync.Mutex
	f := newFixture(t, line.Config{MediaURL: func(ctx context.Context, ref enquiry.MediaRef) (string, string, error) {
		mu.Lock()
		defer mu.Unlock()
		signed[ref.Key] = "yes"
		return "https://blobs.example/" + ref.Key + "?sig=1", "https://blobs.example/" + ref.Key + ".jpg?sig=1", nil
	}})
	img := enquiry.Message{ID: uuid.New(), Content: enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Kind: media.KindImage, Key: "k1", Size: 2_000_000}}}
	small := enquiry.Message{ID: uuid.New(), Content: enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Kind: media.KindImage, URL: "https://cdn.example/s.png", Size: 900_000}}}
	vid := enquiry.Message{ID: uuid.New(), Content: enquiry.Content{Kind: enquiry.Video, Media: &enquiry.MediaRef{Kind: media.KindVideo, URL: "https://cdn.example/v.mp4", PreviewURL: "https://cdn.example/v.jpg"}}}
	aud := enquiry.Message{ID: uuid.New(), Content: enquiry.Content{Kind: enquiry.Audio, Media: &enquiry.MediaRef{Kind: media.KindAudio, Key: "k2", Duration: 1500 * time.Millisecond}}}
	stk := enquiry.Message{ID: uuid.New(), Content: enquiry.Content{Kind: enquiry.Sticker, Sticker: &enquiry.StickerRef{Package: "446", ID: "1988"}}}
	_, err := f.c.Send(context.Background(), f.outbound(img, small, vid, aud, stk))
	is.NoErr(err)
	got := f.p.Received(customer)
	is.Len(len(got), 5)
	is.Eq(linetest.Message{Type: "image", OriginalContentURL: "https://blobs.example/k1?sig=1", PreviewImageURL: "https://blobs.example/k1.jpg?sig=1"}, got[0])
	is.Eq(linetest.Message{Type: "image", OriginalContentURL: "https://cdn.example/s.png", PreviewImageURL: "https://cdn.example/s.png"}, got[1], "a small image is its own preview")
	is.Eq(linetest.Message{Type: "video", OriginalContentURL: "https://cdn.example/v.mp4", PreviewImageURL: "https://cdn.example/v.jpg"}, got[2])
	is.Eq(linetest.Message{Type: "audio", OriginalContentURL: "https://blobs.example/k2?sig=1", Duration: 1500}, got[3])
	is.Eq(linetest.Message{Type: "sticker", PackageID: "446", StickerID: "1988"}, got[4])

	for name, m := range map[string]enquiry.Message{
		"a video without preview":     {ID: "v", Content: enquiry.Content{Kind: enquiry.Video, Media: &enquiry.MediaRef{URL: "https://cdn.example/v.mp4"}}},
		"audio without duration":      {ID: "a", Content: enquiry.Content{Kind: enquiry.Audio, Media: &enquiry.MediaRef{URL: "https://cdn.example/a.m4a"}}},
		"a big image without preview": {ID: "i", Content: enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{URL: "https://cdn.example/i.png", Size: 5_000_000}}},
		"media over plain http":       {ID: "h", Content: enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{URL: "http://cdn.example/i.png", PreviewURL: "https://cdn.example/p.png"}}},
	} {
		t.Run("refuses "+name, func(t *testing.T) {
			is := outCheck(t)
			g := newFixture(t, line.Config{})
			_, err := g.c.Send(context.Background(), g.outbound(m))
			is.ErrIs(err, line.ErrUnsendable)
			is.Len(len(g.p.Calls()), 0)
		})
	}
}

func TestSendHonoursTheCallersContext(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{BackoffBase: time.Second, BackoffMax: time.Second})
	f.p.SetFaults(linetest.Faults{ServerErrors: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.c.Send(ctx, f.outbound(text("x")))
	is.True(err != nil)
	is.True(retryableErr(err), "the last answer was a 500: retry later")
	is.True(time.Since(start) < 900*time.Millisecond)
}

func retryableErr(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable()
}

func TestSendLogsFailuresWithoutTheToken(t *testing.T) {
	is := outCheck(t)
	var buf bytes.Buffer
	f := newFixture(t, line.Config{MaxAttempts: 2, Logger: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	f.p.SetFaults(linetest.Faults{ServerErrors: 1})
	_, err := f.c.Send(context.Background(), f.outbound(text("x")))
	is.True(err != nil)
	out := f.outbound(text("y"))
	out.Channel.Credentials.Token = "another-SECRET-token"
	f.p.SetFaults(linetest.Faults{})
	_, err = f.c.Send(context.Background(), out)
	is.ErrIs(err, line.ErrUnauthorized)
	logs := buf.String()
	is.True(strings.Contains(logs, `"msg":"line: retrying"`) && strings.Contains(logs, `"msg":"line: send failed"`), logs)
	is.True(strings.Contains(logs, `"channel":"ch1"`), "logs name the channel")
	is.True(!strings.Contains(logs, "SECRET") && !strings.Contains(logs, token), "a token is in the logs: ", logs)
}

func TestSendTakesAUsedUpFreshTokenAsDeliveredAfterAnUnclearAnswer(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	f.p.SetFaults(linetest.Faults{ServerErrors: 1, Accepted: 1})
	out := f.outbound(text("carried out, answered 500"))
	out.Reply = enquiry.Reply{Handle: f.p.IssueReplyToken(botID, customer), At: time.Now()}
	done := make(chan error, 1)
	go func() { _, err := f.c.Send(context.Background(), out); done <- err }()
	for len(f.p.Calls()) == 0 {
		time.Sleep(time.Millisecond)
	}
	f.p.SetFaults(linetest.Faults{}) // the retry is answered: "Invalid reply token"
	is.NoErr(<-done)
	is.Len(len(f.p.Received(customer)), 1, "delivered once by the first attempt")
	is.Len(len(f.p.Pushes()), 0)
}

func TestSendRetryingAReplyOfADeadProcessNeverPushesOverItsToken(t *testing.T) {
	clk := clock.NewFake(time.Now())
	cases := []struct {
		name string
		// earlier is what the dead process's attempt did with the token.
		earlier   func(f fixture, tok string)
		age       time.Duration
		wantErr   error
		wantCalls int
	}{
		{name: "the earlier attempt delivered: the retry finds the token used and counts it delivered",
			earlier: func(f fixture, tok string) { useToken(t, f, tok) }, wantCalls: 1},
		{name: "the earlier attempt never reached LINE: the retry replies",
			earlier: func(fixture, string) {}, wantCalls: 1},
		{name: "the token is stale: the outcome is unknown and nothing is sent",
			earlier: func(f fixture, tok string) { useToken(t, f, tok) }, age: 40 * time.Second,
			wantErr: line.ErrDeliveryUncertain, wantCalls: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := outCheck(t)
			f := newFixture(t, line.Config{Clock: clk, ReplyFreshness: 30 * time.Second})
			tok := f.p.IssueReplyToken(botID, customer)
			tc.earlier(f, tok)
			before := len(f.p.Calls())
			out := f.outbound(text("answer"))
			out.Reply, out.ReplyRetry = enquiry.Reply{Handle: tok, At: clk.Now().Add(-tc.age)}, true
			rec, err := f.c.Send(context.Background(), out)
			if tc.wantErr != nil {
				is.ErrIs(err, tc.wantErr)
			} else {
				is.NoErr(err)
				is.True(rec.Replied)
			}
			is.Len(len(f.p.Calls())-before, tc.wantCalls)
			is.Len(len(f.p.Pushes()), 0, "never a push over a token that may have been used")
			is.Len(len(f.p.Replies()), 1, "the customer has the reply once")
		})
	}
}

// recordingSender records every Outbound the desk hands the LINE client.
type recordingSender struct {
	c    *line.Client
	mu   sync.Mutex
	sent []enquiry.Outbound
}

func (s *recordingSender) Send(ctx context.Context, out enquiry.Outbound) (enquiry.Receipt, error) {
	s.mu.Lock()
	s.sent = append(s.sent, out)
	s.mu.Unlock()
	return s.c.Send(ctx, out)
}

// TestTheDesksOutboxHandsLINEOneRequestPerSend runs the desk's outbox on
// DeskKind into the fake platform: a batch (the Welcome and the Away of a
// new enquiry nobody can take) goes as one Outbound of at most
// MaxMessagesPerRequest messages, one push with its retry key; cut at a
// lower MaxBatch, each Outbound is one push with a key of its own, so the
// customer gets every message (the parts once shared the batch's key, and
// LINE took the second for a retry of the first: 409, never delivered).
func TestTheDesksOutboxHandsLINEOneRequestPerSend(t *testing.T) {
	for _, maxBatch := range []int{line.MaxMessagesPerRequest, 1} {
		t.Run(fmt.Sprint("at most ", maxBatch, " a send"), func(t *testing.T) {
			is := outCheck(t)
			f := newFixture(t, line.Config{})
			rs := &recordingSender{c: f.c}
			k := line.DeskKind(f.c)
			k.Sender = rs
			k.MaxBatch = maxBatch
			desk, err := enquiry.New(enquiry.Config{Store: enquiry.NewMemStore(), Logger: quietLogger(),
				Kinds: map[string]enquiry.Kind{line.ChannelKind: k}})
			is.NoErr(err)
			ch := f.ch
			ch.Account = botID
			ch.AutoMessages = automsg.Settings{Welcome: automsg.Message{On: true, Text: "Welcome!"}, Away: automsg.Message{On: true, Text: "Sorry, we are away."}}
			_, err = desk.CreateChannel(t.Context(), ch)
			is.NoErr(err)
			_, err = desk.Receive(t.Context(), enquiry.Inbound{Channel: ch.ID, Customer: enquiry.Customer{ID: customer}, ExternalID: "m1",
				Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}, Time: time.Now()})
			is.NoErr(err)
			is.NoErr(desk.Flush(t.Context()))

			is.Eq(texts(f.p.Received(customer)), []string{"Welcome!", "Sorry, we are away."})
			rs.mu.Lock()
			defer rs.mu.Unlock()
			is.Len(len(rs.sent), (2+maxBatch-1)/maxBatch)
			is.Len(len(f.p.Pushes()), len(rs.sent), "one request per Outbound")
			keys := map[string]bool{}
			for i, out := range rs.sent {
				is.True(len(out.Messages) <= maxBatch, "an Outbound carries at most the kind's batch")
				is.Eq(f.p.Pushes()[i].RetryKey, out.RetryKey)
				keys[out.RetryKey] = true
			}
			is.Len(len(keys), len(rs.sent), "each request has its own retry key")
		})
	}
}
