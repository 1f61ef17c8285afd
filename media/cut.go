package media

import "unicode/utf8"

// CutText returns the longest beginning of s that is at most max UTF-16
// code units long (counted as UTF16Len counts them), and s itself when it
// is no longer than that. It cuts only between characters: never inside a
// UTF-8 sequence, nor between the two halves of a character outside the
// Basic Multilingual Plane (an emoji that counts two units is kept whole
// or left out whole). A max of zero or less gives "". It is safe for
// concurrent use.
func CutText(s string, max int) string {
	n := 0
	for i := 0; i < len(s); {
		w, units := 1, 1
		if s[i] >= utf8.RuneSelf {
			var r rune
			r, w = utf8.DecodeRuneInString(s[i:])
			if r >= 0x10000 {
				units = 2
			}
		}
		if n+units > max {
			return s[:i]
		}
		n += units
		i += w
	}
	return s
}
