package deskhttp_test

import (
	"encoding/json"
	"fmt"

	"github.com/socialdesk/socialdesk/deskhttp"
)

// The API reference is the document a Handler serves at GET
// /api/openapi.json; a host may also publish it elsewhere, or generate a
// client from it.
func ExampleOpenAPI() {
	var doc struct {
		OpenAPI string                     `json:"openapi"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(deskhttp.OpenAPI(), &doc); err != nil {
		fmt.Println(err)
		return
	}
	_, ok := doc.Paths["/api/enquiries/{id}/attend"]
	fmt.Println(doc.OpenAPI, ok)
	// Output: 3.1.0 true
}
