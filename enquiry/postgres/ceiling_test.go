package postgres_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// Settings of BenchmarkPGCeiling, from the environment.
const (
	// ceilingSecondsVar: how long each side runs at each number of
	// callers (default 5 s).
	ceilingSecondsVar = "SOCIALDESK_CEILING_SECONDS"
	// ceilingMessagesVar: messages already in the desk's database before
	// it is measured, one tenth as many closed enquiries holding them
	// (default 0: an empty database).
	ceilingMessagesVar = "SOCIALDESK_CEILING_MESSAGES"
)

// BenchmarkPGCeiling measures the desk against the database's own ceiling,
// side by side in one run: at 1, 8 and 32 callers, pgbench inserting one
// 100-byte row per transaction (each a commit, synchronous_commit as the
// server sets it, 2 threads), then Desk.Receive on this store for as long
// (50 customers with open enquiries, each message new). It reports both
// rates, desk/pgbench, and both 99th percentile latencies, and where
// /proc and the server's processes can be read (Linux, PostgreSQL on this
// machine) the CPU time each side cost the machine: every postgres
// process's per transaction or message, pgbench's own per transaction,
// this process's (the desk and its callers) per message, and how busy
// the CPUs were; then, as
// list-open, how long the store takes to list the channel's open
// enquiries (median and slowest of 50). Run it with
// -benchtime 1x; each side runs SOCIALDESK_CEILING_SECONDS (default 5),
// against a database holding SOCIALDESK_CEILING_MESSAGES messages (default
// 0) in closed enquiries of the channel. It skips without pgbench on PATH or the test database.
func BenchmarkPGCeiling(b *testing.B) {
	dsn := testDSN(b)
	pgbench, err := exec.LookPath("pgbench")
	if err != nil {
		b.Skip("pgbench is not on PATH")
	}
	seconds := envInt(b, ceilingSecondsVar, 5)
	preload := envInt(b, ceilingMessagesVar, 0)
	schema := newSchema(b)
	d, s := ceilingDesk(b, schema, preload)
	for _, callers := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			ceiling := runPgbench(b, pgbench, dsn, schema, callers, seconds)
			txs, msgs := s.Transactions()
			desk := runDesk(b, d, callers, seconds)
			txs2, msgs2 := s.Transactions()
			b.ReportMetric(float64(msgs2-msgs)/float64(max(1, txs2-txs)), "msgs/commit")
			b.ReportMetric(ceiling.rate, "pgbench-tps")
			b.ReportMetric(ceiling.p99.Seconds()*1000, "pgbench-p99-ms")
			b.ReportMetric(desk.rate, "desk-msg/s")
			b.ReportMetric(desk.p99.Seconds()*1000, "desk-p99-ms")
			b.ReportMetric(desk.rate/ceiling.rate, "desk/pgbench")
			if ceiling.cpu.postgres > 0 && ceiling.count > 0 && desk.count > 0 {
				us := func(d time.Duration, n int) float64 { return float64(d.Microseconds()) / float64(n) }
				b.ReportMetric(us(ceiling.cpu.postgres, ceiling.count), "pgbench-pg-us/tx")
				b.ReportMetric(us(ceiling.client, ceiling.count), "pgbench-client-us/tx")
				b.ReportMetric(100*ceiling.cpu.busy, "pgbench-busy-%")
				b.ReportMetric(us(desk.cpu.postgres, desk.count), "desk-pg-us/msg")
				b.ReportMetric(us(desk.cpu.self, desk.count), "desk-go-us/msg")
				b.ReportMetric(100*desk.cpu.busy, "desk-busy-%")
			}
		})
	}
	b.Run("list-open", func(b *testing.B) {
		// The staff list of the channel's open enquiries, as GET
		// /api/enquiries?channel=main&state=open asks the store.
		f := enquiry.Filter{Channel: "main", States: []enquiry.State{enquiry.Ringing, enquiry.Attending, enquiry.Missed}}
		var lat []time.Duration
		for range 50 {
			t := time.Now()
			if _, err := s.Enquiries(context.Background(), f); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t))
		}
		slices.Sort(lat)
		b.ReportMetric(lat[len(lat)/2].Seconds()*1000, "p50-ms")
		b.ReportMetric(lat[len(lat)-1].Seconds()*1000, "max-ms")
	})
}

// envInt reads a whole number from the environment variable name, or
// returns def when it is unset.
func envInt(tb testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		tb.Fatalf("%s must be a whole number, not %q", name, v)
	}
	return n
}

// rate is what one side of BenchmarkPGCeiling achieved.
type rate struct {
	rate   float64       // per second
	p99    time.Duration // 99th percentile latency of one call
	count  int           // calls (transactions of pgbench, messages of the desk)
	cpu    cpuUse        // the machine's CPU time meanwhile
	client time.Duration // pgbench's own CPU time
}

// tpsLine and countLine are pgbench's summary of the rate and of the
// transactions it ran.
var (
	tpsLine   = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \(without initial connection time\)`)
	countLine = regexp.MustCompile(`(?m)^number of transactions actually processed: ([0-9]+)`)
)

// runPgbench runs pgbench's one-row insert into a table of schema with
// clients connections for seconds, and reads its rate and, from its
// per-transaction log, the 99th percentile latency.
func runPgbench(tb testing.TB, pgbench, dsn, schema string, clients, seconds int) rate {
	tb.Helper()
	pool, err := admin()
	if err != nil {
		tb.Fatal(err)
	}
	table := schema + ".ceiling"
	if _, err := pool.Exec(context.Background(), "CREATE TABLE IF NOT EXISTS "+table+" (payload text NOT NULL)"); err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	script := filepath.Join(dir, "insert.sql")
	row := strings.Repeat("x", 100)
	if err := os.WriteFile(script, []byte("INSERT INTO "+table+" (payload) VALUES ('"+row+"');\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		tb.Fatal("cannot parse " + dsnVar)
	}
	cmd := exec.Command(pgbench, "-n", "-h", cfg.Host, "-p", strconv.Itoa(int(cfg.Port)), "-U", cfg.User,
		"-f", script, "-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(2, clients)), "-T", strconv.Itoa(seconds),
		"-l", "--log-prefix", filepath.Join(dir, "log"), cfg.Database)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+cfg.Password, "PGAPPNAME="+schema)
	before := sampleCPU()
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("pgbench: %v\n%s", err, out)
	}
	cpu := before.since()
	m, n := tpsLine.FindSubmatch(out), countLine.FindSubmatch(out)
	if m == nil || n == nil {
		tb.Fatalf("pgbench printed no rate:\n%s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	count, _ := strconv.Atoi(string(n[1]))
	return rate{rate: tps, p99: pgbenchP99(tb, dir), count: count, cpu: cpu,
		client: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
}

// pgbenchP99 reads the 99th percentile latency from pgbench's
// per-transaction logs in dir: lines of "client transaction latency-µs …".
func pgbenchP99(tb testing.TB, dir string) time.Duration {
	tb.Helper()
	logs, _ := filepath.Glob(filepath.Join(dir, "log.*"))
	var lat []time.Duration
	for _, name := range logs {
		f, err := os.Open(name)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 3 {
				continue
			}
			if us, err := strconv.ParseInt(fields[2], 10, 64); err == nil {
				lat = append(lat, time.Duration(us)*time.Microsecond)
			}
		}
		f.Close()
	}
	return p99(lat)
}

// p99 returns the 99th percentile of lat, sorting it.
func p99(lat []time.Duration) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	return lat[len(lat)*99/100]
}

// ceilingDesk returns a desk on a migrated store in schema, with channel
// main and the open enquiries of its 50 customers, after filling the
// database with preload messages.
func ceilingDesk(tb testing.TB, schema string, preload int) (*enquiry.Desk, *postgres.Store) {
	tb.Helper()
	ctx := context.Background()
	s := postgres.New(newPoolSize(tb, schema, 32), postgres.Options{})
	if err := s.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	d, err := enquiry.New(enquiry.Config{Store: s, Sender: &sender{}})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := d.CreateChannel(ctx, supportChannel()); err != nil {
		tb.Fatal(err)
	}
	for c := range 50 {
		if _, err := d.Receive(ctx, ceilingInbound(c, fmt.Sprint("open-", c))); err != nil {
			tb.Fatal(err)
		}
	}
	if preload > 0 {
		fill(tb, schema, preload)
	}
	return d, s
}

// ceilingInbound is a text message from customer c of channel main.
func ceilingInbound(c int, external string) enquiry.Inbound {
	return enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: fmt.Sprint("U", c)},
		ExternalID: external, Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}}
}

// runDesk runs Desk.Receive on d with callers goroutines for seconds, each
// message new and from one of the 50 customers, and returns its rate and
// p99.
func runDesk(tb testing.TB, d *enquiry.Desk, callers, seconds int) rate {
	tb.Helper()
	ctx := context.Background()
	var (
		mu     sync.Mutex
		lat    []time.Duration
		wg     sync.WaitGroup
		before = sampleCPU()
		start  = time.Now()
		end    = start.Add(time.Duration(seconds) * time.Second)
	)
	for g := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := 0; ; i++ {
				t := time.Now()
				if !t.Before(end) {
					break
				}
				if _, err := d.Receive(ctx, ceilingInbound((g+i*callers)%50, fmt.Sprint("m", callers, "-", g, "-", i))); err != nil {
					tb.Error(err)
					break
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	return rate{rate: float64(len(lat)) / elapsed.Seconds(), p99: p99(lat), count: len(lat), cpu: before.since()}
}

// fill adds messages to channel main of schema, ten to each of
// messages/10 closed enquiries of other customers, copying the plan and
// content of the desk's own rows, and refreshes the planner's statistics.
// Their IDs are random (version 4) UUIDs, as the desk made them before it
// made ordered ones: the indexes then look as they do in a database that
// has been in use for a while.
func fill(tb testing.TB, schema string, messages int) {
	tb.Helper()
	pool, err := admin()
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	enquiries := max(1, messages/10)
	for _, q := range []string{
		`INSERT INTO ` + schema + `.enquiries (id, channel, customer, customer_name, state, plan, opened, updated, closed, last_activity, version, last_seq)
		SELECT gen_random_uuid()::text, 'main', 'F' || g, 'Customer ' || g, 'closed', (SELECT plan FROM ` + schema + `.enquiries LIMIT 1),
			now() - interval '1 year' + g * interval '1 minute', now(), now(), now(), 2, 10
		FROM generate_series(1, $1) g`,
		`INSERT INTO ` + schema + `.messages (id, enquiry, channel, seq, direction, author_kind, author_id, at, content, external_id, customer)
		SELECT gen_random_uuid()::text, e.id, 'main', s, 'in', 'customer', e.customer,
			e.opened + s * interval '1 second', (SELECT content FROM ` + schema + `.messages LIMIT 1),
			'fill-' || e.customer || '-' || s, e.customer
		FROM ` + schema + `.enquiries e, generate_series(1, 10) s
		WHERE e.customer LIKE 'F%'`,
		`ANALYZE ` + schema + `.enquiries`,
		`ANALYZE ` + schema + `.messages`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, enquiries)
		}
		if _, err := pool.Exec(ctx, q, args...); err != nil {
			tb.Fatal(err)
		}
	}
}
