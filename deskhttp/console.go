package deskhttp

import (
	"embed"
	"io/fs"
	"net/http"
)

// web holds the staff console: plain HTML, CSS and JavaScript, no build
// step, nothing fetched from elsewhere.
//
//go:embed web
var web embed.FS

// consoleHandler serves the staff console: index.html at "/" and its CSS,
// JavaScript and icon (Files); anything else is 404, the demo's customer
// phone included, which a demo host serves itself.
func consoleHandler() http.Handler {
	root, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	return Files(root)
}

// Files serves fsys's files as the console serves its own, for a host's
// pages beside it (a demo's, say): GET and HEAD only; revalidated on
// every load (no-cache), so a new build is never mixed with an old one;
// under the console's Content-Security-Policy, which allows no inline
// script and nothing from another origin; anything missing is 404. It is
// safe for concurrent use.
func Files(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
		files.ServeHTTP(w, r)
	})
}
