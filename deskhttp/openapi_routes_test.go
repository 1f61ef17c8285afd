package deskhttp

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// notOperations are the routes without a method: fallbacks, which the
// document does not list as operations.
var notOperations = map[string]string{
	"/api/": "answers a JSON 404 for every unknown API path",
	"/":     "serves the staff console's HTML, scripts and styles",
}

// documentedOperations returns the operations the document lists, as
// ServeMux patterns without wildcards' "...": "GET /api/enquiries/{id}".
func documentedOperations(t *testing.T, doc []byte) []string {
	t.Helper()
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	var ops []string
	for path, item := range d.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				ops = append(ops, strings.ToUpper(method)+" "+path)
			}
		}
	}
	slices.Sort(ops)
	return ops
}

// routedOperations returns the Handler's routes in the document's terms:
// a wildcard's "..." dropped, as OpenAPI has no such form.
func routedOperations(t *testing.T, h *Handler) []string {
	t.Helper()
	var ops []string
	for _, p := range h.patterns {
		if _, ok := notOperations[p]; ok {
			continue
		}
		method, path, ok := strings.Cut(p, " ")
		if !ok || method == "" {
			t.Errorf("route %q has no method: give it one, or list it in notOperations with why it is not an operation", p)
			continue
		}
		ops = append(ops, method+" "+strings.ReplaceAll(path, "...}", "}"))
	}
	slices.Sort(ops)
	return ops
}

// routeMismatches says how the routes and the documented operations
// differ: one sentence per difference.
func routeMismatches(routed, documented []string) []string {
	var out []string
	for _, op := range routed {
		if !slices.Contains(documented, op) {
			out = append(out, "route "+op+" is served but missing from deskhttp/openapi.json")
		}
	}
	for _, op := range documented {
		if !slices.Contains(routed, op) {
			out = append(out, "deskhttp/openapi.json documents "+op+", which the Handler does not serve")
		}
	}
	return out
}

func TestTheDocumentListsEveryRouteAndNoOther(t *testing.T) {
	d := serveDesk(t, Config{})
	routed := routedOperations(t, d.h)
	if len(routed) < 20 {
		t.Fatalf("only %d routes recorded: does routes register through routeTable?", len(routed))
	}
	for _, m := range routeMismatches(routed, documentedOperations(t, openAPIDocument)) {
		t.Error(m)
	}
	for p := range maps.Keys(notOperations) {
		if !slices.Contains(d.h.patterns, p) {
			t.Errorf("notOperations lists %q, which the Handler does not register", p)
		}
	}
}

func TestTheRouteComparisonNoticesEitherDifference(t *testing.T) {
	d := serveDesk(t, Config{})
	routed := routedOperations(t, d.h)
	documented := documentedOperations(t, openAPIDocument)
	for _, tc := range []struct {
		name, missing string
		routed, doc   []string
	}{
		{"a served route left out of the document is named", "GET /api/staff", routed, without(documented, "GET /api/staff")},
		{"a documented route the Handler lacks is named", "DELETE /api/enquiries/{id}", routed, append(slices.Clip(documented), "DELETE /api/enquiries/{id}")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := routeMismatches(tc.routed, tc.doc)
			if len(got) != 1 || !strings.Contains(got[0], tc.missing) {
				t.Fatalf("mismatches %q, want one naming %s", got, tc.missing)
			}
		})
	}
}

func without(s []string, v string) []string {
	return slices.DeleteFunc(slices.Clone(s), func(x string) bool { return x == v })
}

func TestTheReferenceIsServedWithoutACredential(t *testing.T) {
	d := serveDesk(t, Config{Auth: ServiceToken("secret-token")})
	res, err := http.Get(d.url + openAPIPath)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatalf("the body is not JSON: %v", err)
	}
	switch {
	case res.StatusCode != http.StatusOK:
		t.Fatalf("GET %s without a credential: %s, want 200", openAPIPath, res.Status)
	case res.Header.Get("Content-Type") != "application/json":
		t.Errorf("Content-Type %q, want application/json", res.Header.Get("Content-Type"))
	case !strings.Contains(res.Header.Get("Cache-Control"), "max-age="):
		t.Errorf("Cache-Control %q: the document should be cacheable", res.Header.Get("Cache-Control"))
	case doc["openapi"] != "3.1.0":
		t.Errorf("openapi %v, want 3.1.0", doc["openapi"])
	}
	req, _ := http.NewRequest("GET", d.url+openAPIPath, nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	again, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("GET with the ETag in If-None-Match: %s, want 304", again.Status)
	}
	if code, _ := d.call(t, "GET", "/api/enquiries", ""); code != http.StatusUnauthorized {
		t.Errorf("GET /api/enquiries without a credential: %d, want 401: only the reference is open", code)
	}
}
