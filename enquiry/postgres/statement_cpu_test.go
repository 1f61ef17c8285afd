package postgres_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// BenchmarkStatementCPU measures what Receive's statements cost the
// database's CPU, a call at a time, in one session: a procedure of
// testdata/statement_cpu.sql calls the statement b.N times with k messages
// to customers with an open enquiry, committing after each call
// (synchronous_commit off, so no flush is waited for), and the backend's
// own CPU time is read from /proc/self/schedstat before and after. CPU
// time moves far less with the machine's load than rates do. It reports
// db-cpu-us/call: cpu_args is the procedure's own work of building the
// arguments, which every other figure includes; cpu_one is k
// socialdesk_receive_one calls, cpu_batch one socialdesk_receive_batch
// of k messages, cpu_receive k socialdesk_receive calls. It skips unless
// the server can read its /proc (a superuser, PostgreSQL on Linux).
func BenchmarkStatementCPU(b *testing.B) {
	ctx := context.Background()
	schema := newSchema(b)
	ceilingDesk(b, schema, 0)
	procs, err := os.ReadFile("testdata/statement_cpu.sql")
	if err != nil {
		b.Fatal(err)
	}
	conn, err := newPoolSize(b, schema, 1).Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	for _, q := range []string{string(procs), "SET synchronous_commit = off", "SET plan_cache_mode = force_generic_plan"} {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	cpu := func() (time.Duration, error) {
		var ns int64
		err := conn.QueryRow(ctx, `SELECT split_part(pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint`).Scan(&ns)
		return time.Duration(ns), err
	}
	if _, err := cpu(); err != nil {
		b.Skipf("the server cannot tell its CPU time (%v)", err)
	}
	for _, proc := range []string{"cpu_args", "cpu_one", "cpu_batch", "cpu_receive"} {
		for _, k := range []int{1, 3, 6, 10, 16} {
			if proc == "cpu_receive" && k > 3 {
				continue
			}
			b.Run(fmt.Sprintf("%s/messages=%d", proc, k), func(b *testing.B) {
				call := func(n int) {
					// No arguments: the simple protocol, so the procedure may commit.
					if _, err := conn.Exec(ctx, fmt.Sprintf("CALL %s(%d, %d)", proc, n, k)); err != nil {
						b.Fatal(err)
					}
				}
				call(10) // its plans cached
				before, err := cpu()
				if err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				call(b.N)
				b.StopTimer()
				after, err := cpu()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64((after-before).Microseconds())/float64(b.N), "db-cpu-us/call")
			})
		}
	}
}
