package inbox

// NewTestStore returns the package tests' in-memory Store (also a Leaser
// and a Pruner), for the conformance suite and examples in inbox_test.
func NewTestStore() Store { return newMemStore() }
