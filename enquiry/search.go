package enquiry

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Search limits.
const (
	// MaxSearchText is the longest query, in bytes.
	MaxSearchText = 200
	// MaxSearchWords is how many words a query may have.
	MaxSearchWords = 10
	// MaxSearchLimit is how many hits one search returns at most;
	// Search.Limit 0 means DefaultSearchLimit.
	MaxSearchLimit     = 100
	DefaultSearchLimit = 20
)

// Search is a search across transcripts.
//
// Staff search the text of earlier messages (the customer's, staff's,
// auto-messages and notes for staff) with words, as they would a mailbox.
// The query is cut into words at white space, and a message matches when
// its text holds every word, compared without regard to case (Unicode
// lower case). How a word must occur depends on the script it is written
// in:
//
//   - A word made only of letters and digits of a script that puts spaces
//     between words (Latin, Cyrillic, Greek, Hangul, …) matches at the
//     start of a word of the text: "refund" finds "Refunds, please", and
//     "fund" does not.
//   - Any other word matches anywhere in the text: one with a letter of a
//     script written without spaces (Thai, Chinese, Japanese, Lao, Khmer,
//     Myanmar), a combining mark, an emoji or punctuation ("e-mail",
//     "#1234"). In Thai and Japanese a word of the query is most often part
//     of a longer run of letters, so it cannot be asked to start one.
//
// Where a store cuts text into words at punctuation inside numbers,
// e-mail addresses and URLs may differ from store to store; a query word
// that holds such punctuation matches anywhere, the same in every store.
type Search struct {
	// Text is what staff typed: one or more words (see above).
	Text string
	// Channels limits the search to these channels; nil searches every
	// channel. An empty, non-nil slice finds nothing.
	Channels []string
	// Before pages: only messages older than the hit it names, which is
	// the last hit of the page before (Hit.Cursor). Zero starts with the
	// newest message.
	Before Cursor
	// Limit caps the hits (0 means DefaultSearchLimit; at most
	// MaxSearchLimit).
	Limit int
}

// Cursor names a place in the search order (newest message first; of
// messages of one time, the greater ID first).
type Cursor struct {
	Time    time.Time
	Message string
}

// IsZero reports whether c names no place: the search starts at the newest.
func (c Cursor) IsZero() bool { return c.Time.IsZero() && c.Message == "" }

// Hit is a message that matched a search, with its enquiry.
type Hit struct {
	Message Message
	Enquiry Enquiry
}

// Cursor returns where the page after h starts.
func (h *Hit) Cursor() Cursor { return Cursor{Time: h.Message.Time, Message: h.Message.ID} }

// SearchTerm is one word of a query, in lower case.
type SearchTerm struct {
	Text string
	// Anywhere: the word matches anywhere in a text, not only at the
	// start of one of its words.
	Anywhere bool
}

// SearchTerms cuts a query into its words, in lower case, as stores match
// them (see Search); it drops repeated
// words. Stores call it; the desk has checked the query's limits before.
func SearchTerms(text string) []SearchTerm {
	var out []SearchTerm
	seen := map[string]bool{}
	for _, w := range strings.Fields(text) {
		w = strings.ToLower(w)
		if seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, SearchTerm{Text: w, Anywhere: !spacedWord(w)})
	}
	return out
}

// spacedWord reports whether w is made only of letters and digits of
// scripts that put spaces between words.
func spacedWord(w string) bool {
	for _, r := range w {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			return false
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai,
			unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan):
			return false
		}
	}
	return true
}

// MatchSearch reports whether text matches every term, as stores that
// scan (MemStore) decide it: a term that is not Anywhere must start a
// word of text, that is follow its start or a rune that is neither a
// letter nor a digit.
func MatchSearch(text string, terms []SearchTerm) bool {
	if len(terms) == 0 {
		return false
	}
	lower := strings.ToLower(text)
	for _, t := range terms {
		if !matchTerm(lower, t) {
			return false
		}
	}
	return true
}

func matchTerm(lower string, t SearchTerm) bool {
	for from := 0; from <= len(lower); {
		i := strings.Index(lower[from:], t.Text)
		if i < 0 {
			return false
		}
		i += from
		if t.Anywhere || i == 0 {
			return true
		}
		if r, _ := utf8.DecodeLastRuneInString(lower[:i]); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return true
		}
		_, size := utf8.DecodeRuneInString(lower[i:])
		from = i + size
	}
	return false
}

// SearchStore finds messages by their text.
type SearchStore interface {
	// SearchMessages returns the messages whose Content.Text matches
	// SearchTerms(q.Text) (see Search), of q.Channels (nil:
	// all), newest first (then by ID, greater first), older than
	// q.Before when it is set, at most q.Limit, each with its enquiry.
	// Messages the customer unsent are left out. The desk has checked q
	// (Desk.Search): a Limit of 1 to MaxSearchLimit, a Text with 1 to
	// MaxSearchWords words.
	SearchMessages(ctx context.Context, q Search) ([]Hit, error)
}

// Search returns the messages whose text matches q.Text (see Search), newest first, with their enquiries: internal notes
// (Content.Kind Note) included, messages the customer unsent left out. Pass
// the last hit's Cursor as q.Before for the next page. A *ValidationError
// for field "q" when the query has no word, is longer than MaxSearchText
// or has more than MaxSearchWords words.
func (d *Desk) Search(ctx context.Context, q Search) ([]Hit, error) {
	words := strings.Fields(q.Text)
	switch {
	case len(words) == 0:
		return nil, invalid("q", "type a word to search for", nil)
	case len(q.Text) > MaxSearchText:
		return nil, invalid("q", "a search is at most 200 bytes long", nil)
	case len(words) > MaxSearchWords:
		return nil, invalid("q", "a search has at most 10 words", nil)
	case !utf8.ValidString(q.Text):
		return nil, invalid("q", "a search must be valid UTF-8", nil)
	}
	if q.Channels != nil && len(q.Channels) == 0 {
		return nil, nil
	}
	switch {
	case q.Limit <= 0:
		q.Limit = DefaultSearchLimit
	case q.Limit > MaxSearchLimit:
		q.Limit = MaxSearchLimit
	}
	return d.store.SearchMessages(ctx, q)
}
