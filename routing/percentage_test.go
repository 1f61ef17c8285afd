package routing_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/socialdesk/socialdesk/routing"
)

func split(t testing.TB, percents ...int) *routing.Rule {
	t.Helper()
	shares := make([]routing.Share, len(percents))
	for i, pc := range percents {
		shares[i] = routing.Share{Percent: pc, Destination: routing.ToStaff(strconv.Itoa(i))}
	}
	return valid(t, routing.Rule{Node: routing.Node{Percentage: shares}})
}

// decide routes n decisions and returns the index of the destination
// chosen by each.
func decide(t *testing.T, r *routing.Rule, n, dests int) []int {
	t.Helper()
	picks := make([]int, n)
	for k := range n {
		p := r.Route(routing.Request{}, nil)
		if len(p.Steps) != dests {
			t.Fatalf("decision %d: %d steps, want every destination (chosen first)", k+1, len(p.Steps))
		}
		picks[k], _ = strconv.Atoi(p.Steps[0].Staff)
	}
	return picks
}

// checkSplit routes n decisions and fails unless, after every one of them,
// each destination's count is within ±1 of its percentage, and unless
// every run of 100 consecutive decisions gives each destination exactly
// its percentage.
func checkSplit(t *testing.T, n int, percents ...int) []int {
	t.Helper()
	picks := decide(t, split(t, percents...), n, len(percents))
	counts := make([]int, len(percents))
	window := make([]int, len(percents))
	for k, i := range picks {
		counts[i]++
		for j, pc := range percents {
			// |count − (k+1)·pc/100| ≤ 1, in integers.
			if d := counts[j]*100 - (k+1)*pc; d > 100 || d < -100 {
				t.Fatalf("after %d decisions destination %d (%d%%) has %d", k+1, j, pc, counts[j])
			}
		}
		window[i]++
		if k >= 100 {
			window[picks[k-100]]--
		}
		if k >= 99 {
			for j, pc := range percents {
				if window[j] != pc {
					t.Fatalf("decisions %d to %d give destination %d (%d%%) %d of 100", k-98, k+1, j, pc, window[j])
				}
			}
		}
	}
	return counts
}

func TestPercentageSplitIsExactOverAnyHundredConsecutiveDecisions(t *testing.T) {
	tests := []struct {
		percents []int
		want     []int // after 10,000
	}{
		{[]int{50, 30, 20}, []int{5000, 3000, 2000}},
		{[]int{34, 33, 33}, []int{3400, 3300, 3300}},
		{[]int{50, 0, 50}, []int{5000, 0, 5000}},
		{[]int{100}, []int{10000}},
		{[]int{99, 1}, []int{9900, 100}},
		{[]int{1, 1, 1, 97}, []int{100, 100, 100, 9700}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.percents), func(t *testing.T) {
			equal(t, tt.want, checkSplit(t, 10_000, tt.percents...))
		})
	}
	t.Run("random percentages", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for range 200 {
			percents := make([]int, 2+rng.IntN(6))
			left := 100
			for i := range percents[1:] {
				percents[i] = rng.IntN(left + 1)
				left -= percents[i]
			}
			percents[len(percents)-1] = left
			rng.Shuffle(len(percents), func(i, j int) { percents[i], percents[j] = percents[j], percents[i] })
			checkSplit(t, 1_000, percents...)
		}
	})
}

func TestPercentageSpreadsPicksEvenly(t *testing.T) {
	r := split(t, 60, 20, 20)
	var got []string
	for range 10 {
		got = append(got, first(r.Route(routing.Request{}, nil)))
	}
	equal(t, []string{"0", "1", "0", "2", "0", "0", "1", "0", "2", "0"}, got)
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
