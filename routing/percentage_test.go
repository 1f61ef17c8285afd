package routing_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/socialdesk/socialdesk/routing"
)

func split(t testing.TB, weights ...int) *routing.Rule {
	t.Helper()
	shares := make([]routing.Share, len(weights))
	for i, w := range weights {
		shares[i] = routing.Share{Weight: w, Destination: routing.ToStaff(strconv.Itoa(i))}
	}
	return valid(t, routing.Rule{Node: routing.Node{Percentage: shares}})
}

// checkSplit routes n decisions and fails unless, after every one of them,
// each destination's count is within ±1 of its share.
func checkSplit(t *testing.T, n int, weights ...int) []int {
	t.Helper()
	r := split(t, weights...)
	total := 0
	for _, w := range weights {
		total += w
	}
	counts := make([]int, len(weights))
	for k := 1; k <= n; k++ {
		p := r.Route(routing.Request{}, nil)
		if len(p.Steps) != len(weights) {
			t.Fatalf("decision %d: %d steps, want every destination (chosen first)", k, len(p.Steps))
		}
		i, _ := strconv.Atoi(p.Steps[0].Staff)
		counts[i]++
		for j, w := range weights {
			// |count − k·w/total| ≤ 1, in integers.
			if d := counts[j]*total - k*w; d > total || d < -total {
				t.Fatalf("after %d decisions destination %d (weight %d of %d) has %d", k, j, w, total, counts[j])
			}
		}
	}
	return counts
}

func TestPercentageSplitIsExactOverAnyNumberOfDecisions(t *testing.T) {
	tests := []struct {
		weights []int
		want    []int // after 10,000
	}{
		{[]int{50, 30, 20}, []int{5000, 3000, 2000}},
		{[]int{1, 1, 1}, []int{3334, 3333, 3333}},
		{[]int{1, 0, 1}, []int{5000, 0, 5000}},
		{[]int{7}, []int{10000}},
		{[]int{99, 1}, []int{9900, 100}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.weights), func(t *testing.T) {
			equal(t, tt.want, checkSplit(t, 10_000, tt.weights...))
		})
	}
	t.Run("random weights", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for range 200 {
			weights := make([]int, 2+rng.IntN(6))
			for i := range weights {
				weights[i] = rng.IntN(40)
			}
			weights[0]++ // not all zero
			checkSplit(t, 1_000, weights...)
		}
	})
}

func TestPercentageSpreadsPicksEvenly(t *testing.T) {
	r := split(t, 5, 1, 1)
	var got []string
	for range 7 {
		got = append(got, first(r.Route(routing.Request{}, nil)))
	}
	equal(t, []string{"0", "0", "1", "0", "2", "0", "0"}, got)
}

func TestPercentageSplitIsExactUnderParallelDecisions(t *testing.T) {
	r := split(t, 50, 30, 20)
	const workers, each = 8, 1250 // 10,000 decisions
	var (
		mu     sync.Mutex
		counts = map[string]int{}
		wg     sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			local := map[string]int{}
			for range each {
				local[first(r.Route(routing.Request{}, nil))]++
			}
			mu.Lock()
			defer mu.Unlock()
			for k, v := range local {
				counts[k] += v
			}
		})
	}
	wg.Wait()
	equal(t, map[string]int{"0": 5000, "1": 3000, "2": 2000}, counts)
}
