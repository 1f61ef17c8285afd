package line_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
)

func TestMarkReadSendsTheReadToken(t *testing.T) {
	var logs bytes.Buffer
	f := newFixture(t, line.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	tok := f.p.IssueReadToken(botID, customer)
	if err := f.c.MarkRead(t.Context(), f.ch, customer, tok); err != nil {
		t.Fatal(err)
	}
	reads := f.p.Reads()
	if len(reads) != 1 || reads[0].Token != tok || reads[0].User != customer || reads[0].Bot != botID {
		t.Fatalf("the platform marked %+v, want one read of the customer's chat with the token", reads)
	}

	t.Run("a token LINE did not issue is refused with its 400", func(t *testing.T) {
		err := f.c.MarkRead(t.Context(), f.ch, customer, "made-up-token")
		var le *line.Error
		if !errors.As(err, &le) || le.Status != 400 {
			t.Fatalf("MarkRead: %v, want LINE's 400", err)
		}
		if strings.Contains(err.Error(), "made-up-token") || strings.Contains(logs.String(), "made-up-token") {
			t.Error("the read token is in the error or the log")
		}
		if len(f.p.Reads()) != 1 {
			t.Error("the refused token was recorded as a read")
		}
	})
	t.Run("another channel's token is refused", func(t *testing.T) {
		other := f.p.IssueReadToken("U-other-bot", customer)
		if err := f.c.MarkRead(t.Context(), f.ch, customer, other); err == nil {
			t.Fatal("MarkRead with another channel's token succeeded")
		}
	})
	t.Run("no token is refused before calling LINE", func(t *testing.T) {
		n := len(f.p.Calls())
		if err := f.c.MarkRead(t.Context(), f.ch, customer, ""); !errors.Is(err, line.ErrNoReadToken) {
			t.Fatalf("MarkRead: %v, want ErrNoReadToken", err)
		}
		if len(f.p.Calls()) != n {
			t.Error("LINE was called")
		}
	})
}

func TestSendCarriesTheQuoteToken(t *testing.T) {
	f := newFixture(t, line.Config{})
	q := f.p.IssueQuoteToken(botID, customer)
	m := text("It left today.")
	m.Content.Quote = &enquiry.Quote{Message: "desk-id", Text: "Where is my parcel?", Token: q}
	if _, err := f.c.Send(t.Context(), f.outbound(m)); err != nil {
		t.Fatal(err)
	}
	pushes := f.p.Pushes()
	if len(pushes) != 1 || pushes[0].Messages[0].QuoteToken != q {
		t.Fatalf("pushed %+v, want the text with the quote token", pushes)
	}

	t.Run("a quote token LINE did not issue for the chat is refused with its 400", func(t *testing.T) {
		for name, tok := range map[string]string{
			"made up":             "made-up-quote-token",
			"another user's chat": f.p.IssueQuoteToken(botID, "U-someone-else"),
		} {
			t.Run(name, func(t *testing.T) {
				m := text("x")
				m.Content.Quote = &enquiry.Quote{Token: tok}
				_, err := f.c.Send(t.Context(), f.outbound(m))
				var le *line.Error
				if !errors.As(err, &le) || le.Status != 400 || len(le.Details) != 1 || le.Details[0].Property != "messages[0].quoteToken" {
					t.Fatalf("Send: %v, want LINE's 400 naming messages[0].quoteToken", err)
				}
			})
		}
		if len(f.p.Pushes()) != 1 {
			t.Error("a refused quote was delivered")
		}
	})
}
