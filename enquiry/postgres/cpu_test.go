package postgres_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSample is what BenchmarkPGCeiling reads of the machine's CPU time
// before and after each side runs. It needs Linux's /proc and a
// PostgreSQL server on this machine; where either is missing, its fields
// stay zero and the benchmark reports no CPU figures.
type cpuSample struct {
	self     time.Duration // this process: the desk and the callers
	postgres time.Duration // every postgres process, the ones that ended included
	busy     float64       // the machine's CPU time not idle, in clock ticks
	total    float64       // all of it
}

// sampleCPU reads the CPU time used so far.
func sampleCPU() cpuSample {
	var s cpuSample
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	s.postgres = postgresCPU()
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		for i, f := range strings.Fields(line)[1:] {
			v, _ := strconv.ParseFloat(f, 64)
			s.total += v
			if i != 3 && i != 4 { // idle, iowait
				s.busy += v
			}
		}
	}
	return s
}

// clockTick is the unit of /proc's CPU times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// postgresCPU returns the CPU time of the processes named postgres: each
// one's own, and for the postmaster (the one whose parent is not a
// postgres) that of its children that ended, as backends do when their
// connection closes.
func postgresCPU() time.Duration {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	type proc struct {
		ppid        string
		own, reaped float64
	}
	procs := map[string]proc{}
	for _, name := range stats {
		b, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17)
		line := string(b)
		open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
		if open < 0 || end < open || line[open+1:end] != "postgres" {
			continue
		}
		f := strings.Fields(line[end+1:])
		if len(f) < 15 {
			continue
		}
		num := func(i int) float64 { v, _ := strconv.ParseFloat(f[i], 64); return v }
		pid := strings.TrimSpace(line[:open])
		procs[pid] = proc{ppid: f[1], own: num(11) + num(12), reaped: num(13) + num(14)}
	}
	var ticks float64
	for _, p := range procs {
		ticks += p.own
		if _, child := procs[p.ppid]; !child {
			ticks += p.reaped
		}
	}
	return time.Duration(ticks * float64(clockTick))
}

// cpuUse is what one side of BenchmarkPGCeiling cost in CPU time.
type cpuUse struct {
	self, postgres time.Duration
	busy           float64 // of the machine's CPUs, 0 to 1
}

// since returns the CPU time used since s.
func (s cpuSample) since() cpuUse {
	now := sampleCPU()
	u := cpuUse{self: now.self - s.self, postgres: now.postgres - s.postgres}
	if now.total > s.total {
		u.busy = (now.busy - s.busy) / (now.total - s.total)
	}
	return u
}
