package deskhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// referenceChecker checks answers, and requests the API accepted, against
// an OpenAPI document: an answer must be a status its operation lists,
// with the headers and body that response's schema says; a request, the
// parameters and body its operation takes. It is safe for concurrent use.
type referenceChecker struct {
	doc    *openapi3.T
	router routers.Router

	mu      sync.Mutex
	checked map[string]bool // operations checked, "GET /api/enquiries/{id}"
}

// newReferenceChecker returns a checker of the OpenAPI document doc,
// which it validates first.
func newReferenceChecker(doc []byte) (*referenceChecker, error) {
	loader := openapi3.NewLoader()
	t, err := loader.LoadFromData(doc)
	if err != nil {
		return nil, fmt.Errorf("loading the document: %w", err)
	}
	if err := t.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("the document is not valid OpenAPI: %w", err)
	}
	// The document's server is relative ("/"): requests reach the test
	// server on any host.
	t.Servers = nil
	router, err := legacy.NewRouter(t)
	if err != nil {
		return nil, err
	}
	return &referenceChecker{doc: t, router: router, checked: map[string]bool{}}, nil
}

// checkSchema says how the JSON data departs from the document's
// component schema name; nil when it does not. It checks what no
// response schema covers, such as an event stream's data.
func (c *referenceChecker) checkSchema(name string, data []byte) error {
	s, ok := c.doc.Components.Schemas[name]
	if !ok {
		return fmt.Errorf("the document has no schema %s", name)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := s.Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("not a %s as the document says: %w", name, err)
	}
	return nil
}

// check says how res, the answer to req with body, departs from the
// document; nil when it does not. A body that is not JSON (media, the
// event stream) is not checked, its status and headers are.
func (c *referenceChecker) check(req *http.Request, res *http.Response, body []byte) error {
	route, params, err := c.router.FindRoute(mediaKeyless(req))
	var noRoute *routers.RouteError
	switch {
	case errors.As(err, &noRoute) && res.StatusCode == http.StatusNotFound:
		// The Handler's answer to a path or method no route serves
		// (its /api/ fallback): an Error.
		if err := c.checkSchema("Error", body); err != nil {
			return fmt.Errorf("%s %s, which no route serves, answered 404: %w", req.Method, req.URL.Path, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("%s %s answered %d but is not in the document: %w", req.Method, req.URL.Path, res.StatusCode, err)
	}
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true, // a status the operation does not list is a mismatch
			ExcludeResponseBody:   mt != "application/json",
			MultiError:            true,
		},
	}
	in.SetBodyBytes(body)
	c.mu.Lock()
	c.checked[req.Method+" "+route.Path] = true
	c.mu.Unlock()
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s answered %d, not as the document says: %w", req.Method, req.URL.Path, res.StatusCode, err)
	}
	return nil
}

// checkRequest says how req, with body, departs from what its operation
// in the document takes; nil when it does not. The API reads every body
// as JSON, so a body without a Content-Type is checked as JSON.
func (c *referenceChecker) checkRequest(req *http.Request, body []byte) error {
	r := mediaKeyless(req).Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(body))
	if len(body) > 0 && r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/json")
	}
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		return fmt.Errorf("%s %s is not in the document: %w", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s was accepted, but the document does not take it: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// mediaKeyless returns req, or for a media key with slashes (of GET
// /api/media/{key} or of a signed URL, /media/{key}), which the ServeMux
// wildcard {key...} takes and an OpenAPI path parameter does not, a copy
// of req with the key's slashes replaced.
func mediaKeyless(req *http.Request) *http.Request {
	prefix := mediaPath
	key, ok := strings.CutPrefix(req.URL.Path, prefix)
	if !ok {
		prefix = signedMediaPath
		key, ok = strings.CutPrefix(req.URL.Path, prefix)
	}
	if !ok || !strings.Contains(key, "/") {
		return req
	}
	r := req.Clone(req.Context())
	r.URL.Path = prefix + strings.ReplaceAll(key, "/", "_")
	r.URL.RawPath = ""
	return r
}

// operations returns the operations checked so far, sorted.
func (c *referenceChecker) operations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ops []string
	for op := range c.checked {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}

// apiReference is the checker of the package's own document, built once.
var apiReference = sync.OnceValues(func() (*referenceChecker, error) {
	return newReferenceChecker(openAPIDocument)
})

// checkResponse fails t when res, the answer to req with body, is not as
// deskhttp/openapi.json says. call checks every answer with it.
func checkResponse(t testing.TB, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	c, err := apiReference()
	if err != nil {
		t.Fatalf("deskhttp/openapi.json: %v", err)
	}
	if err := c.check(req, res, body); err != nil {
		t.Errorf("%v", err)
	}
}

// checkAcceptedRequest fails t when the API accepted req, with body (its
// answer's status is 2xx), but deskhttp/openapi.json says the operation
// does not take it. A refused request is not checked: tests send bad
// ones on purpose.
func checkAcceptedRequest(t testing.TB, req *http.Request, body string, status int) {
	t.Helper()
	if status < 200 || status > 299 {
		return
	}
	c, err := apiReference()
	if err != nil {
		t.Fatalf("deskhttp/openapi.json: %v", err)
	}
	if err := c.checkRequest(req, []byte(body)); err != nil {
		t.Errorf("%v", err)
	}
}

// checkedOperations returns the operations whose answers checkResponse
// has checked in this run of the package's tests.
func checkedOperations() []string {
	c, err := apiReference()
	if err != nil {
		return nil
	}
	return c.operations()
}

// brokenDocument returns the package's document with edit applied to its
// decoded JSON.
func brokenDocument(t *testing.T, edit func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// at returns the JSON object at the path of keys in doc.
func at(doc map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		doc = doc[k].(map[string]any)
	}
	return doc
}

func TestTheCheckerRefusesAnAnswerTheDocumentDoesNotAllow(t *testing.T) {
	d := serveDesk(t, Config{})
	if code, _ := d.call(t, "POST", "/api/channels", `{"name":"Main","secret":"s3cret","token":"t0ken"}`); code != http.StatusCreated {
		t.Fatalf("creating a channel: %d", code)
	}
	get := func(path string) (*http.Request, *http.Response, []byte) {
		req, _ := http.NewRequest("GET", d.url+path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return req, res, body
	}
	for _, tc := range []struct {
		name, path, want string
		edit             func(doc map[string]any)
		body             func([]byte) []byte
	}{
		{
			name: "a field of the wrong type is refused", path: "/api/channels/main", want: "/channel/hasToken",
			edit: func(doc map[string]any) {
				at(doc, "components", "schemas", "Channel", "properties")["hasToken"] = map[string]any{"type": "string"}
			},
		},
		{
			name: "a status the operation does not list is refused", path: "/api/staff", want: "status",
			edit: func(doc map[string]any) { delete(at(doc, "paths", "/api/staff", "get", "responses"), "200") },
		},
		{
			name: "a value outside an enum is refused", path: "/api/channels/main", want: "/channel/state",
			edit: func(doc map[string]any) {
				at(doc, "components", "schemas", "ChannelState")["enum"] = []any{"on", "off"}
			},
		},
		{
			name: "a field the schema does not name is refused", path: "/api/channels/main", want: "secret",
			body: func(b []byte) []byte { return bytes.Replace(b, []byte(`"id":`), []byte(`"secret":"x","id":`), 1) },
		},
		{
			name: "a required field left out is refused", path: "/api/enquiries", want: "enquiries",
			body: func([]byte) []byte { return []byte(`{}`) },
		},
		{
			name: "a 404 for a path no route serves must be an Error", path: "/api/nowhere", want: "Error",
			body: func([]byte) []byte { return []byte(`{"oops":true}`) },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := openAPIDocument
			if tc.edit != nil {
				doc = brokenDocument(t, tc.edit)
			}
			c, err := newReferenceChecker(doc)
			if err != nil {
				t.Fatal(err)
			}
			req, res, body := get(tc.path)
			if tc.body != nil {
				body = tc.body(body)
			}
			err = c.check(req, res, body)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("check: %v, want an error naming %q", err, tc.want)
			}
			good, err := apiReference()
			if err != nil {
				t.Fatal(err)
			}
			if tc.body == nil {
				if err := good.check(req, res, body); err != nil {
					t.Fatalf("the same answer against the package's document: %v", err)
				}
			}
		})
	}
}

func TestTheCheckerRefusesARequestTheDocumentDoesNotTake(t *testing.T) {
	const body = `{"settings":{"welcome":{"on":true},"away":{"on":false},"close":{"on":false},"nameFormat":"none"},"kind":"welcome"}`
	req, _ := http.NewRequest("POST", "http://desk.test/api/preview", strings.NewReader(body))
	good, err := apiReference()
	if err != nil {
		t.Fatal(err)
	}
	if err := good.checkRequest(req, []byte(body)); err != nil {
		t.Fatalf("against the package's document: %v", err)
	}
	for _, tc := range []struct {
		name, want string
		edit       func(doc map[string]any)
	}{
		{"a required field the request lacks is refused", "nope", func(doc map[string]any) {
			s := at(doc, "components", "schemas", "PreviewInput")
			s["required"] = append(s["required"].([]any), "nope")
		}},
		{"a value outside an enum is refused", "/kind", func(doc map[string]any) {
			at(doc, "components", "schemas", "PreviewInput", "properties", "kind")["enum"] = []any{"away"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := newReferenceChecker(brokenDocument(t, tc.edit))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.checkRequest(req, []byte(body)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("checkRequest: %v, want an error naming %q", err, tc.want)
			}
		})
	}
}
