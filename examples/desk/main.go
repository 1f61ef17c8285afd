// Command desk is socialdesk's reference host: a LINE webhook, the staff
// JSON API, live events and a web console, over the library's packages.
//
// Without LINE credentials it runs a demo: an embedded fake LINE platform
// with a customer simulator, an in-memory store and two demo staff. See
// the README for the environment variables.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/line/linedesk"
	"github.com/socialdesk/socialdesk/whatsapp/whatsappdesk"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "desk:", err)
		os.Exit(1)
	}
}

// config is the desk's configuration, from the environment (the README's
// table says what each variable does and its default).
type config struct {
	Addr          string         // DESK_ADDR
	Token         enquiry.Secret // DESK_TOKEN: the service credential, admin role
	AdminPassword enquiry.Secret // DESK_ADMIN_PASSWORD: the built-in admin's
	LINE          linedesk.Env   // the LINE_ variables
	Line          bool           // channel main from them
	DatabaseURL   string         // DESK_DATABASE_URL: use PostgreSQL
	PublicURL     string         // DESK_PUBLIC_URL: where the platforms reach the desk
	MediaKey      enquiry.Secret // DESK_MEDIA_KEY: signs media URLs; replicas share it
	Instance      string         // DESK_INSTANCE: this process's name on its leases
	Demo          bool           // no LINE or WhatsApp credentials: the embedded fake platform
	WhatsApp      whatsappdesk.Config
	Wa            bool // channel wa from the WHATSAPP_ variables (WhatsApp)
	DemoNoWA      bool // DESK_DEMO_WHATSAPP=0: the demo leaves out channel wa
	// limits are the HTTP server's and the event streams'; zero fields
	// mean the production values. Tests set short ones.
	limits deskhttp.Limits
}

func configFrom(getenv func(string) string) (c config, err error) {
	c = config{
		Addr: getenv("DESK_ADDR"), Token: enquiry.Secret(getenv("DESK_TOKEN")),
		DatabaseURL: getenv("DESK_DATABASE_URL"), Instance: getenv("DESK_INSTANCE"),
		PublicURL: getenv("DESK_PUBLIC_URL"), AdminPassword: enquiry.Secret(getenv("DESK_ADMIN_PASSWORD")),
		MediaKey: enquiry.Secret(getenv("DESK_MEDIA_KEY")),
		DemoNoWA: getenv("DESK_DEMO_WHATSAPP") == "0",
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.Instance == "" {
		c.Instance = inbox.HostInstance(c.Addr)
	}
	if c.WhatsApp, c.Wa, err = whatsappdesk.FromEnv(getenv); err != nil {
		return c, err
	}
	c.WhatsApp.Instance = c.Instance
	if c.LINE, c.Line, err = linedesk.FromEnv(getenv); err != nil {
		return c, fmt.Errorf("%w, for the demo", err)
	}
	c.Demo = !c.Line && !c.Wa
	if c.Token == "" && !deskhttp.Loopback(c.Addr) {
		return c, fmt.Errorf("refusing to listen on %s without DESK_TOKEN: the staff API would be open to the network; set DESK_TOKEN or use a loopback address such as 127.0.0.1:8080", c.Addr)
	}
	return c, nil
}

func run(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := configFrom(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close() // for the early returns: Serve closes it otherwise
	srv, err := newServer(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer srv.Close()
	srv.baseURL = "http://" + ln.Addr().String()
	if err := srv.start(ctx); err != nil {
		return err
	}
	hs := srv.http.Server(srv.Handler())
	hs.RegisterOnShutdown(srv.http.EndStreams)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	var hooks []string
	if cfg.Line {
		hooks = append(hooks, "LINE channel main, webhook "+linedesk.WebhookURL(srv.publicURL(), "main"))
	}
	if cfg.Wa {
		hooks = append(hooks, "WhatsApp channel wa, webhook "+srv.publicURL()+"/webhook/whatsapp/"+whatsappdesk.ChannelID)
	}
	mode := strings.Join(hooks, "; ")
	if cfg.Demo {
		mode = "demo: fake " + map[bool]string{true: "LINE and WhatsApp platforms", false: "LINE platform"}[srv.cfg.Wa] + " and a customer phone built in"
	}
	fmt.Fprintf(stdout, "socialdesk desk (%s)\nopen %s/\n", mode, srv.baseURL)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: no new webhooks; finishing queued work")
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return errors.Join(hs.Shutdown(shutdown), srv.Shutdown(shutdown))
}
