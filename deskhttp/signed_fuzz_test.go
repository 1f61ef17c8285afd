package deskhttp

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzSignedLink feeds the signed-URL parser what a stranger may send: it
// never panics and accepts a link only in its one canonical spelling. Every key
// the signer signs parses back to itself and verifies.
func FuzzSignedLink(f *testing.F) {
	now := func() time.Time { return time.Unix(1_800_000_000, 0) }
	s, _ := newSigner(MediaLinks{PublicURL: publicURL, Key: "fuzz key"}, now)
	good := s.sign("staff/e1/x.png")
	_, q, _ := strings.Cut(good, "?")
	f.Add("staff/e1/x.png", q)
	f.Add("staff/e1/x.png", "expires=0017&sig=abc")
	f.Add("a b/ü?#", "expires=99999999999999999999&sig=")
	f.Add("", "expires=1&expires=2&sig=%00")
	f.Add("k", "sig="+strings.Repeat("A", 43)+"&expires=1800000001")
	f.Fuzz(func(t *testing.T, key, query string) {
		if v, err := url.ParseQuery(query); err == nil {
			l, err := parseSignedLink(key, v)
			if err == nil {
				if got := base64.RawURLEncoding.EncodeToString(l.Sig); got != v.Get("sig") {
					t.Fatalf("accepted sig %q, which is spelled %q canonically", v.Get("sig"), got)
				}
				if got := strconv.FormatInt(l.Expires, 10); got != v.Get("expires") {
					t.Fatalf("accepted expires %q, which is spelled %q canonically", v.Get("expires"), got)
				}
			}
		}
		if key == "" {
			return
		}
		u, err := url.Parse(publicURL + s.sign(key))
		if err != nil {
			t.Fatalf("the signed URL of %q does not parse: %v", key, err)
		}
		l, err := parseSignedLink(strings.TrimPrefix(u.Path, signedMediaPath), u.Query())
		if err != nil || l.Key != key {
			t.Fatalf("the signed URL of %q parses as %q, %v", key, l.Key, err)
		}
		if err := s.verify(l); err != nil {
			t.Fatalf("the signed URL of %q does not verify: %v", key, err)
		}
	})
}
