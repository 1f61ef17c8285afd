package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestTheCustomerPhoneIsServedInDemoModeOnly: the demo serves its
// customer phone, page and script, with the headers of the console's own
// files, and the console's style sheet and icon it loads; a real desk
// has no phone.
func TestTheCustomerPhoneIsServedInDemoModeOnly(t *testing.T) {
	ts, _ := demoDesk(t)
	get := func(method, url string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, url, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	console, _ := get("GET", ts.URL+"/app.css")
	tests := []struct {
		name, method, path string
		ctype, contains    string
	}{
		{"the customer phone is a page of its own", "GET", "/phone.html", "text/html", `<script src="phone.js" defer></script>`},
		{"the phone's script is JavaScript", "GET", "/phone.js", "text/javascript", "/demo/customers/"},
		{"HEAD works on the phone", "HEAD", "/phone.html", "text/html", ""},
		{"the console's style sheet, which the phone uses, is there", "GET", "/app.css", "text/css", "body.phone"},
		{"so is the icon", "GET", "/favicon.svg", "image/svg+xml", "<svg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(tt.method, ts.URL+tt.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s %s = %d, want 200", tt.method, tt.path, res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type = %q, want %s", ct, tt.ctype)
			}
			if !strings.Contains(body, tt.contains) {
				t.Errorf("body does not contain %q", tt.contains)
			}
			for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Cache-Control", "Referrer-Policy"} {
				if got, want := res.Header.Get(k), console.Header.Get(k); got != want || got == "" {
					t.Errorf("%s = %q, want the console's %q", k, got, want)
				}
			}
		})
	}
	real := startLINE(t, nil)
	for _, path := range []string{"/phone.html", "/phone.js"} {
		if res, _ := get("GET", real.ts.URL+path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s in real mode = %d, want 404", path, res.StatusCode)
		}
	}
}
