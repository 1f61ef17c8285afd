package deskhttp

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
)

// FuzzAuthenticate feeds authenticate any path, Authorization header,
// session cookie and query: it never panics, and a request passes only
// with a credential that is right where it was sent.
func FuzzAuthenticate(f *testing.F) {
	for _, s := range [][4]string{
		{"/api/enquiries", "Bearer service", "", ""},
		{"/api/events", "", "", "access_token=service"},
		{"/api/enquiries", "Bearer ", "alice-session", "access_token=service"},
		{"/api/media/x", "Basic c2VydmljZQ==", "", "access_token="},
		{"/api/enquiries", "Bearer service\x00", "a;b=c", "access_token=%zz"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	h, err := New(Config{Desk: &enquiry.Desk{}, Feed: &enquiry.Feed{}, Auth: roleAuth})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path, authz, cookie, query string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " ?#\x00") {
			return // not a request path
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.Path, r.URL.RawQuery = path, query
		r.Header.Set("Authorization", authz)
		r.Header.Set("Cookie", SessionCookie+"="+cookie)
		p, msg := h.authenticate(r)
		if msg != "" {
			if p != (Principal{}) {
				t.Fatalf("refused with %q, yet principal %+v", msg, p)
			}
			return
		}
		bearer, header := strings.CutPrefix(authz, "Bearer ")
		if !header {
			bearer = r.URL.Query().Get("access_token")
		}
		session := ""
		if c, err := r.Cookie(SessionCookie); err == nil {
			session = c.Value
		}
		if want, ok := roleAuth[bearer]; ok && bearer != "" && p == want {
			return
		}
		if want, ok := roleAuth[session]; ok && session != "" && p == want {
			return
		}
		t.Fatalf("path %q, Authorization %q, cookie %q, query %q passed as %+v", path, authz, cookie, query, p)
	})
}
