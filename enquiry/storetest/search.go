package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/uuid"
)

// runSearch is the suite's section on SearchMessages.
func runSearch(t *testing.T, newStore func(t *testing.T) enquiry.Store) {
	runSubtests(t, newStore, []subtest{
		{"search: a search finds every word at the start of a word, in any case, newest first", testSearchWords},
		{"search: Thai, Japanese, emoji and punctuation match anywhere in the text", testSearchAnywhere},
		{"search: a search keeps to its channels and pages newest first", testSearchPaging},
	})
}

// transcript is a corpus to search: what each message says, by name.
type transcript struct {
	t     *testing.T
	s     enquiry.Store
	ids   map[string]string // message ID → name
	names map[string]string // name → enquiry ID
}

func newTranscript(t *testing.T, s enquiry.Store) *transcript {
	return &transcript{t: t, s: s, ids: map[string]string{}, names: map[string]string{}}
}

// say records a customer's message named name, on ch from customer.
func (tr *transcript) say(name, ch, customer, text string, at time.Time) enquiry.Received {
	tr.t.Helper()
	a := arrival(ch, customer, uuid.New(), at)
	a.Message.Content = enquiry.Content{Kind: enquiry.Text, Text: text}
	r := mustReceive(tr.t, tr.s, a)
	tr.ids[r.Message.ID], tr.names[name] = name, r.Enquiry.ID
	return r
}

// add appends an outbound message (staff's, or a note) named name.
func (tr *transcript) add(name string, e enquiry.Enquiry, m enquiry.Message) enquiry.Enquiry {
	tr.t.Helper()
	m.ID, m.Direction = uuid.New(), enquiry.Out
	n, out := update(tr.t, tr.s, e, m)
	tr.ids[out[0].ID], tr.names[name] = name, n.ID
	return n
}

// find searches and returns the names of the hits, in order, checking
// that each hit comes with its own enquiry.
func (tr *transcript) find(q enquiry.Search) []string {
	tr.t.Helper()
	if q.Limit == 0 {
		q.Limit = enquiry.DefaultSearchLimit
	}
	hits, err := tr.s.SearchMessages(ctx(tr.t), q)
	if err != nil {
		tr.t.Fatalf("SearchMessages(%+v): %v", q, err)
	}
	got := []string{}
	for _, h := range hits {
		name, ok := tr.ids[h.Message.ID]
		if !ok {
			tr.t.Fatalf("SearchMessages(%q) found a message not said here: %+v", q.Text, h.Message)
		}
		if h.Enquiry.ID != h.Message.Enquiry || h.Enquiry.ID != tr.names[name] || h.Enquiry.Channel != h.Message.Channel {
			tr.t.Fatalf("SearchMessages(%q): hit %s came with enquiry %+v, want its own (%s)", q.Text, name, h.Enquiry, tr.names[name])
		}
		got = append(got, name)
	}
	return got
}

func (tr *transcript) want(q enquiry.Search, want ...string) {
	tr.t.Helper()
	if want == nil {
		want = []string{}
	}
	if got := tr.find(q); !slices.Equal(got, want) {
		tr.t.Fatalf("SearchMessages(%q, channels %q, before %v) = %q, want %q", q.Text, q.Channels, q.Before, got, want)
	}
}

func testSearchWords(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a", "b")
	tr := newTranscript(t, s)
	r := tr.say("asks", "a", "U1", "I want a Refund for order 1234, please", t0)
	e := tr.add("answers", r.Enquiry, enquiry.Message{
		Author: enquiry.Author{Kind: enquiry.AuthorStaff, ID: "alice"}, Time: t0.Add(time.Second),
		Content:  enquiry.Content{Kind: enquiry.Text, Text: "We have started your refund."},
		Delivery: &enquiry.Delivery{State: enquiry.Sent},
	})
	tr.add("note", e, enquiry.Message{
		Author: enquiry.Author{Kind: enquiry.AuthorBot, ID: "custom-info"}, Time: t0.Add(2 * time.Second),
		Content: enquiry.Content{Kind: enquiry.Note, Text: "Refunds over 100 need a manager"},
	})
	tr.say("prefunded", "a", "U1", "it was prefunded by the bank", t0.Add(3*time.Second))
	tr.say("cafe", "a", "U1", "CAFÉ CRÈME pour deux", t0.Add(4*time.Second))
	tr.say("other channel", "b", "U2", "refund on b", t0.Add(5*time.Second))
	unsent := tr.say("unsent", "a", "U1", "refund, sent in error", t0.Add(6*time.Second))
	if _, err := s.Unsend(ctx(t), "a", "U1", unsent.Message.ExternalID); err != nil {
		t.Fatal(err)
	}
	img := arrival("a", "U1", "img", t0.Add(7*time.Second))
	img.Message.Content = enquiry.Content{Kind: enquiry.Image, Media: &enquiry.MediaRef{Kind: "image", Format: "png", Size: 3, Key: "refund.png"}}
	mustReceive(t, s, img)

	tr.want(enquiry.Search{Text: "refund"}, "other channel", "note", "answers", "asks")
	tr.want(enquiry.Search{Text: "REFUND"}, "other channel", "note", "answers", "asks")
	tr.want(enquiry.Search{Text: "Refunds"}, "note")
	tr.want(enquiry.Search{Text: "fund"})
	tr.want(enquiry.Search{Text: "refund order"}, "asks")
	tr.want(enquiry.Search{Text: "  ORDER   refund  "}, "asks")
	tr.want(enquiry.Search{Text: "refund manager 100"}, "note")
	tr.want(enquiry.Search{Text: "refund nowhere"})
	tr.want(enquiry.Search{Text: "123"}, "asks")
	tr.want(enquiry.Search{Text: "234"})
	tr.want(enquiry.Search{Text: "café crème"}, "cafe")
	tr.want(enquiry.Search{Text: "Crè"}, "cafe")
	tr.want(enquiry.Search{Text: "Cré"})
	tr.want(enquiry.Search{Text: "prefund"}, "prefunded")
	tr.want(enquiry.Search{Text: "error"})
}

func testSearchAnywhere(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	tr := newTranscript(t, s)
	tr.say("thai", "a", "U1", "สวัสดีครับ ขอคืนเงินหน่อยครับ", t0)
	tr.say("japanese", "a", "U1", "返品したいです🎉", t0.Add(time.Second))
	tr.say("chinese", "a", "U1", "我想退货，订单号是1234", t0.Add(2*time.Second))
	tr.say("percent", "a", "U1", "I am 100% sure, see a_b.txt", t0.Add(3*time.Second))
	tr.say("thousand", "a", "U1", "1000 sure, see axb.txt or e-mail me", t0.Add(4*time.Second))
	tr.say("backslash", "a", "U1", `C:\orders\1234`, t0.Add(5*time.Second))

	tr.want(enquiry.Search{Text: "คืนเงิน"}, "thai")
	tr.want(enquiry.Search{Text: "สวัสดี คืนเงิน"}, "thai")
	tr.want(enquiry.Search{Text: "したい"}, "japanese")
	tr.want(enquiry.Search{Text: "🎉"}, "japanese")
	tr.want(enquiry.Search{Text: "退货"}, "chinese")
	tr.want(enquiry.Search{Text: "退货 订单"}, "chinese")
	tr.want(enquiry.Search{Text: "1234"}, "backslash") // after 是, a letter, 1234 starts no word
	tr.want(enquiry.Search{Text: "100%"}, "percent")
	tr.want(enquiry.Search{Text: "a_b"}, "percent")
	tr.want(enquiry.Search{Text: "%"}, "percent")
	tr.want(enquiry.Search{Text: "e-mail"}, "thousand")
	tr.want(enquiry.Search{Text: `\orders\`}, "backslash")
	tr.want(enquiry.Search{Text: "ยกเลิก"})
}

func testSearchPaging(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a", "b", "c")
	tr := newTranscript(t, s)
	tr.say("a1", "a", "U1", "parcel one", t0)
	tr.say("b1", "b", "U1", "parcel two", t0.Add(time.Second))
	tr.say("c1", "c", "U1", "parcel three", t0.Add(2*time.Second))
	tr.say("a2", "a", "U2", "parcel four", t0.Add(3*time.Second))
	tr.say("b2", "b", "U2", "parcel five", t0.Add(3*time.Second)) // the same time as a2

	// Of two messages at one time, the greater ID comes first.
	newest := []string{"a2", "b2"}
	if tr.idOf("b2") > tr.idOf("a2") {
		newest = []string{"b2", "a2"}
	}
	all := append(slices.Clone(newest), "c1", "b1", "a1")
	tr.want(enquiry.Search{Text: "parcel"}, all...)
	tr.want(enquiry.Search{Text: "parcel", Channels: []string{"a", "c"}}, "a2", "c1", "a1")
	tr.want(enquiry.Search{Text: "parcel", Channels: []string{"b"}}, "b2", "b1")
	tr.want(enquiry.Search{Text: "parcel", Channels: []string{}})
	tr.want(enquiry.Search{Text: "parcel", Channels: []string{"nowhere"}})

	// Pages of two, each starting after the last hit of the one before.
	var got []string
	q := enquiry.Search{Text: "parcel", Limit: 2}
	for range 4 {
		hits, err := s.SearchMessages(ctx(t), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) > 2 {
			t.Fatalf("a page of %d hits, want at most Limit 2", len(hits))
		}
		for _, h := range hits {
			got = append(got, tr.ids[h.Message.ID])
		}
		if len(hits) < 2 {
			break
		}
		q.Before = hits[len(hits)-1].Cursor()
	}
	if !slices.Equal(got, all) {
		t.Fatalf("paged = %q, want %q", got, all)
	}
}

// idOf returns the ID of the message named name.
func (tr *transcript) idOf(name string) string {
	for id, n := range tr.ids {
		if n == name {
			return id
		}
	}
	tr.t.Fatalf("no message named %s", name)
	return ""
}
