package postgres

import (
	"bytes"
	"encoding/json"
	"strings"
)

// PostgreSQL's text and jsonb cannot hold U+0000, which a customer can
// send. The store writes U+FFFD in its place, in what customers provide
// (message content, their name), so their message is kept instead of
// refused.

// cleanText returns s with every U+0000 replaced by U+FFFD.
func cleanText(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// jsonb returns v as JSON for a jsonb column, every escaped U+0000 in it
// replaced by U+FFFD. If v does not marshal it returns v, for the driver
// to report the error.
func jsonb(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	return cleanJSON(b)
}

// cleanJSON replaces the escape \u0000 in encoded JSON by \ufffd. An
// escape is one preceded by an even number of backslashes: `\\u0000` is a
// backslash followed by the text "u0000", and stays.
func cleanJSON(b []byte) []byte {
	const nul = `\u0000`
	i := bytes.Index(b, []byte(nul))
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i >= 0 {
		slashes := 0
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			slashes++
		}
		out = append(out, b[:i]...)
		if slashes%2 == 0 {
			out = append(out, `\ufffd`...)
		} else {
			out = append(out, nul...)
		}
		b = b[i+len(nul):]
		i = bytes.Index(b, []byte(nul))
	}
	return append(out, b...)
}
