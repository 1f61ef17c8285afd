package demo

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/socialdesk/socialdesk/deskhttp"
)

// web holds the customer phone: a page and its script, which use the
// console's style sheet and icon, served by deskhttp beside it.
//
//go:embed web
var web embed.FS

// phoneFiles serves the phone's files with the headers of deskhttp's
// console (deskhttp.Files).
var phoneFiles = func() http.Handler {
	root, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	return deskhttp.Files(root)
}()
