package media

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// UTF16Len returns the length of s in UTF-16 code units, the way LINE counts
// message characters: one unit per character of the Basic Multilingual
// Plane, two for others (most emoji). An invalid UTF-8 byte counts as one
// unit, as it becomes U+FFFD when sent. It is safe for concurrent use.
func UTF16Len(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		n++
		if r >= 0x10000 {
			n++
		}
		i += w
	}
	return n
}

// CheckText returns nil if s may be sent as one text message of p's
// platform: not empty and at most MaxTextUnits UTF-16 code units. Otherwise it returns a
// *Error with CodeEmptyText or CodeTextTooLong. It is safe for concurrent
// use.
func (p Policy) CheckText(s string) error {
	if s == "" {
		return &Error{Code: CodeEmptyText, Reason: "The message is empty; type something to send."}
	}
	max := p.TextLimit()
	if n := UTF16Len(s); n > max {
		who := p.platform() + " allows"
		if base, ok := p.base(); !ok || max != base.TextLimit() {
			who = "the limit here is"
		}
		counts := "as LINE counts text"
		if !p.isLINE() {
			counts = "in UTF-16 units"
		}
		return &Error{Code: CodeTextTooLong, Reason: fmt.Sprintf(
			"The message is %s units long %s (a letter counts as 1, an emoji as 2); %s at most %s. "+
				"Shorten it by %s or split it into several messages.", grouped(n), counts, who, grouped(max), grouped(n-max))}
	}
	return nil
}

// TextLimit returns the most UTF-16 code units one text message may have
// under p (LINE's 4,999 when MaxTextUnits is zero). It is safe for
// concurrent use.
func (p Policy) TextLimit() int {
	if p.MaxTextUnits == 0 {
		return DefaultMaxTextUnits
	}
	return max(p.MaxTextUnits, 0)
}

// grouped writes n with a comma between groups of three digits: 5,000.
func grouped(n int) string {
	if n < 0 {
		return "-" + grouped(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// CheckText judges text under LINE's rules; see Policy.CheckText. It is
// safe for concurrent use.
func CheckText(s string) error { return Policy{}.CheckText(s) }

var kindRefusals = map[string]string{
	"file":     "Files cannot be sent on LINE; send the content as text, an image, audio or a video.",
	"location": "Locations cannot be sent from the desk; send the address as text.",
	"imagemap": "Imagemap messages cannot be sent from the desk.",
	"template": "Template messages cannot be sent from the desk.",
	"flex":     "Flex messages cannot be sent from the desk.",
	"sticker":  "Sticker images are not downloaded from LINE; the customer sent a sticker.",
}

// CheckKind returns nil for the message kinds the desk can carry ("text",
// "image", "video", "audio") and a *Error with CodeUnsupportedKind for any
// other: "file", "location", "imagemap", "template", "flex", "sticker" (whose
// image is never downloaded), or a kind it does not know. It is safe for
// concurrent use.
func CheckKind(kind string) error {
	switch kind {
	case "text", "image", "video", "audio":
		return nil
	}
	r, ok := kindRefusals[kind]
	if !ok {
		r = "This kind of message cannot be carried by the desk."
	}
	return &Error{Code: CodeUnsupportedKind, Reason: r}
}

// CheckKind returns nil for the message kinds p's platform carries and the
// desk can send or download: "text", "image", "video" and "audio"; also
// "sticker" when p accepts WebP stickers and "document" when p has a
// document limit (WhatsApp). Any other kind gets a *Error with
// CodeUnsupportedKind. Under LINE's policy it is the package's CheckKind.
// It is safe for concurrent use.
func (p Policy) CheckKind(kind string) error {
	if p.isLINE() {
		return CheckKind(kind)
	}
	switch kind {
	case "text", "image", "video", "audio":
		return nil
	case "sticker":
		if p.formats().Has(FormatWebP) && p.Limit(KindSticker) > 0 {
			return nil
		}
	case "document":
		if p.Limit(KindDocument) > 0 {
			return nil
		}
	}
	return &Error{Code: CodeUnsupportedKind, Reason: "This kind of message (" + printable([]byte(kind)) +
		") cannot be carried by the desk on " + p.platform() + "."}
}
