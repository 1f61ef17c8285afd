package postgres

import "testing"

func TestPlanCacheHandsOutPlansOfTheirOwn(t *testing.T) {
	var c planCache
	raw := []byte(`{"steps":[{"staff":"s1","timeout":"1m0s"},{"team":"sales"}]}`)
	first, err := c.decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	first.Steps[0].Staff = "changed"
	second, err := c.decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Steps) != 2 || second.Steps[0].Staff != "s1" || second.Steps[1].Team != "sales" {
		t.Fatalf("second decode = %+v; want the plan as stored, untouched by a change to the first", second)
	}
	if _, err := c.decode([]byte(`{"steps":`)); err == nil {
		t.Fatal("broken JSON decoded without an error")
	}
}
