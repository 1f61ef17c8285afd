package demo

import (
	"regexp"
	"strings"
	"testing"
)

// TestThePhonePageFitsItsScript checks what a browser would only show at
// run time: every element phone.js looks up by ID exists in phone.html,
// and the page has no inline script or style, which the Content Security
// Policy would block.
func TestThePhonePageFitsItsScript(t *testing.T) {
	lookup := regexp.MustCompile(`\$\('([a-z0-9-]+)'\)`)
	inline := regexp.MustCompile(`<script>|<script [^>]*>[^<]|<style|\sstyle=|\son[a-z]+=`)
	html, err := web.ReadFile("web/phone.html")
	if err != nil {
		t.Fatal(err)
	}
	js, err := web.ReadFile("web/phone.js")
	if err != nil {
		t.Fatal(err)
	}
	ids := lookup.FindAllStringSubmatch(string(js), -1)
	if len(ids) == 0 {
		t.Fatal("phone.js looks up no element: the pattern is out of date")
	}
	for _, m := range ids {
		if !strings.Contains(string(html), `id="`+m[1]+`"`) {
			t.Errorf("phone.js looks up #%s, which phone.html does not have", m[1])
		}
	}
	if m := inline.Find(html); m != nil {
		t.Errorf("phone.html has inline script or style (%q), which the Content-Security-Policy blocks", m)
	}
}
