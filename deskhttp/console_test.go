package deskhttp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestConsoleHandler(t *testing.T) {
	h := consoleHandler()
	tests := []struct {
		name, method, path string
		status             int
		ctype, contains    string
	}{
		{"the console is served at the root", "GET", "/", 200, "text/html", `<script src="app.js" defer></script>`},
		{"its script is JavaScript", "GET", "/app.js", 200, "text/javascript", "new EventSource(withToken('/api/events'))"},
		{"its style sheet is CSS", "GET", "/app.css", 200, "text/css", ".transcript"},
		{"the icon is served, so browsers log no 404", "GET", "/favicon.svg", 200, "image/svg+xml", "<svg"},
		{"HEAD works", "HEAD", "/", 200, "text/html", ""},
		{"an unknown file is 404", "GET", "/nope.js", 404, "", ""},
		{"the demo's customer phone is not the console's", "GET", "/phone.html", 404, "", ""},
		{"a POST is refused", "POST", "/", 405, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.status {
				t.Fatalf("%s %s = %d, want %d", tt.method, tt.path, res.StatusCode, tt.status)
			}
			if tt.status != 200 {
				return
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type = %q, want %s", ct, tt.ctype)
			}
			if !strings.Contains(string(body), tt.contains) {
				t.Errorf("body does not contain %q", tt.contains)
			}
			for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Cache-Control"} {
				if res.Header.Get(k) == "" {
					t.Errorf("no %s header", k)
				}
			}
		})
	}
}

// TestConsolePagesFitTheirScripts checks what a browser would only show at
// run time: every element the scripts look up by ID exists in their page,
// and the pages have no inline script or style, which the Content Security
// Policy would block.
func TestConsolePagesFitTheirScripts(t *testing.T) {
	lookup := regexp.MustCompile(`\$\('([a-z0-9-]+)'\)`)
	inline := regexp.MustCompile(`<script>|<script [^>]*>[^<]|<style|\sstyle=|\son[a-z]+=`)
	for page, script := range map[string]string{"web/index.html": "web/app.js"} {
		html, err := web.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		js, err := web.ReadFile(script)
		if err != nil {
			t.Fatal(err)
		}
		ids := lookup.FindAllStringSubmatch(string(js), -1)
		if len(ids) == 0 {
			t.Fatalf("%s looks up no element: the pattern is out of date", script)
		}
		for _, m := range ids {
			if !strings.Contains(string(html), `id="`+m[1]+`"`) {
				t.Errorf("%s looks up #%s, which %s does not have", script, m[1], page)
			}
		}
		if m := inline.Find(html); m != nil {
			t.Errorf("%s has inline script or style (%q), which the Content-Security-Policy blocks", page, m)
		}
	}
}

func TestConsoleHandlerUnderServeMux(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/", consoleHandler())
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/index.html", nil))
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "./" {
		t.Errorf("GET /index.html = %d to %q, want a redirect to ./", rec.Code, rec.Header().Get("Location"))
	}
}
