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
// JavaScript and icon. Files are revalidated on every load (no-cache), so
// a new build is never mixed with an old one; anything else is 404, the
// demo's customer phone included, which a demo host serves itself. It is
// safe for concurrent use.
func consoleHandler() http.Handler {
	root, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	files := http.FileServerFS(root)
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
		// Everything the console needs is served from here: no inline
		// script, no other origin.
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
		files.ServeHTTP(w, r)
	})
}
