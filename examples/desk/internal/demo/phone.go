package demo

import (
	"embed"
	"net/http"
)

// web holds the customer phone: a page and its script, which use the
// console's style sheet and icon, served by deskhttp beside it.
//
//go:embed web
var web embed.FS

// phoneFile serves one of the phone's files with the headers deskhttp's
// console sets on its own: revalidated on every load, and under the same
// Content Security Policy, which allows no inline script and no other
// origin.
func phoneFile(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
		http.ServeFileFS(w, r, web, "web/"+name)
	}
}
