package enquiry_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/socialdesk/socialdesk/enquiry"
)

func TestSearchFindsEarlierTranscriptsWithTheirEnquiries(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	first := f.receive("U1", "m1", "Where is my parcel?", "")
	if _, err := f.desk.Attend(t.Context(), first.Enquiry.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	if _, err := f.desk.Send(t.Context(), first.Enquiry.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Your parcel left today."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.Close(t.Context(), first.Enquiry.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	second := f.receive("U1", "m2", "Thanks, got it", "")

	hits, err := f.desk.Search(t.Context(), enquiry.Search{Text: "PARCEL"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		if h.Enquiry.ID != first.Enquiry.ID || h.Enquiry.State != enquiry.Closed {
			t.Fatalf("hit %q came with enquiry %+v, want the first, closed", h.Message.Content.Text, h.Enquiry)
		}
		got = append(got, h.Message.Content.Text)
	}
	equal(t, "hits", got, []string{"Your parcel left today.", "Where is my parcel?"})
	if hits, err := f.desk.Search(t.Context(), enquiry.Search{Text: "thanks", Channels: []string{"elsewhere"}}); err != nil || len(hits) != 0 {
		t.Fatalf("search of another channel = %v, %v; want nothing", hits, err)
	}
	if hits, err := f.desk.Search(t.Context(), enquiry.Search{Text: "thanks", Channels: []string{"main"}}); err != nil || len(hits) != 1 || hits[0].Enquiry.ID != second.Enquiry.ID {
		t.Fatalf("search of main = %v, %v; want the second enquiry's message", hits, err)
	}
	// Limit is capped rather than refused.
	if _, err := f.desk.Search(t.Context(), enquiry.Search{Text: "parcel", Limit: 1 << 20}); err != nil {
		t.Fatal(err)
	}
}

func TestSearchRefusesAQueryItCannotRun(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	for _, tc := range []struct{ name, q string }{
		{"an empty query", ""},
		{"only spaces", " \t\n "},
		{"too long", strings.Repeat("a", enquiry.MaxSearchText+1)},
		{"too many words", strings.Repeat("a ", enquiry.MaxSearchWords+1)},
		{"invalid UTF-8", "caf\xe9"},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			_, err := f.desk.Search(t.Context(), enquiry.Search{Text: tc.q})
			var ve *enquiry.ValidationError
			if !errors.As(err, &ve) || ve.Field != "q" {
				t.Fatalf("Search(%q) = %v, want a ValidationError for q", tc.q, err)
			}
		})
	}
}

func TestSearchTermsMatchAtWordStartsOrAnywhere(t *testing.T) {
	for _, tc := range []struct {
		text, q string
		want    bool
	}{
		{"Refund please", "refund", true},
		{"Refund please", "fund", false},
		{"a (refund)", "refund", true},
		{"prefund refund", "fund", false},
		{"prefund refunded", "refund", true},
		{"ÉCOLE", "école", true},
		{"สวัสดีครับ", "ครับ", true},
		{"返品したい", "したい", true},
		{"ok🎉", "🎉", true},
		{"order#12", "#12", true},
		{"order#12", "12", true},
		{"hello", "hello world", false},
		{"anything", "", false},
	} {
		if got := enquiry.MatchSearch(tc.text, enquiry.SearchTerms(tc.q)); got != tc.want {
			t.Errorf("MatchSearch(%q, %q) = %v, want %v", tc.text, tc.q, got, tc.want)
		}
	}
}

// FuzzSearchTerms: any query cuts into lower-case words without panic,
// and a text that is the query itself always matches it.
func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{"refund", "REFUND order", "สวัสดี ครับ", "返品 🎉", "e-mail 100%", "İstanbul", "a\u0301b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		terms := enquiry.SearchTerms(q)
		if !utf8.ValidString(q) || len(terms) == 0 {
			return
		}
		for _, term := range terms {
			if term.Text == "" || term.Text != strings.ToLower(term.Text) {
				t.Fatalf("SearchTerms(%q) has term %q, want a non-empty lower-case word", q, term.Text)
			}
		}
		if !enquiry.MatchSearch(q, terms) {
			t.Fatalf("MatchSearch(%q, SearchTerms(itself)) = false", q)
		}
	})
}

// BenchmarkMemStoreSearch measures MemStore's scan: 100,000 messages in
// 2,000 enquiries, a word one message in ten has and one no message has.
func BenchmarkMemStoreSearch(b *testing.B) {
	s := enquiry.NewMemStore()
	ctx := b.Context()
	if err := s.CreateChannel(ctx, enquiry.Channel{ID: "a", Name: "A", Kind: "chat"}); err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	texts := []string{"I would like a refund please", "ขอคืนเงินหน่อยครับ", "返品したいです", "where is my parcel?", "hello, thank you", "hello, thank you", "hello, thank you", "hello, thank you", "hello, thank you", "hello, thank you"}
	for i := range 100_000 {
		at := t0.Add(time.Duration(i) * time.Minute)
		_, err := s.Receive(ctx, enquiry.Arrival{
			Enquiry: enquiry.Enquiry{ID: fmt.Sprint("e", i/50), Channel: "a", Customer: enquiry.Customer{ID: fmt.Sprint("U", i/50)}, State: enquiry.Ringing, Opened: at},
			Message: enquiry.Message{ID: fmt.Sprint("m", i), Direction: enquiry.In, Author: enquiry.Author{Kind: enquiry.AuthorCustomer}, Time: at,
				Content: enquiry.Content{Kind: enquiry.Text, Text: fmt.Sprint("Order ", i, ": ", texts[i%10])}},
		})
		if err != nil {
			b.Fatal(err)
		}
		if i%50 == 49 {
			e, _ := s.Enquiry(ctx, fmt.Sprint("e", i/50))
			e.State = enquiry.Closed
			if _, _, err := s.Update(ctx, enquiry.Change{Enquiry: e}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, q := range []string{"refund", "คืนเงิน", "nowhere"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.SearchMessages(ctx, enquiry.Search{Text: q, Limit: 20}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
