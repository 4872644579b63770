package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/pressbot/pressbot/internal/config"
	"github.com/pressbot/pressbot/internal/httpd"
)

func init() {
	register(command{name: "serve", summary: "run everything: content watching, approvals, scheduler, newsroom", run: runServe})
}

const serveDescription = `Run the whole loop in one process: watch the content folder, offer new and
changed releases for approval, publish approved posts on schedule, serve the
newsroom and feeds, and report health and metrics.

With no configuration it uses ./content, sqlite:pressbot.db, the channels
telegram, facebook and x as outbox dry runs (files under ./outbox/), approval
by CLI only ('pressbot approve ID'), and http://127.0.0.1:8080.
Flags override the configuration file, which overrides the defaults;
PRESSBOT_* environment variables override the file (see pressbot.example.yaml).`

// serveFlags are serve's command-line overrides.
type serveFlags struct {
	config, content, db, http, logFormat, logLevel, outbox string
}

// runServe loads the configuration, builds every part, and runs them until
// SIGINT or SIGTERM.
func runServe(args []string, stdout, stderr io.Writer) int {
	var f serveFlags
	fs := newFlagSet("serve", "[-config FILE] [-content DIR] [-db URL] [-http ADDR] [-outbox DIR] [-log-format auto|text|json] [-log-level debug|info|warn|error]", serveDescription, stderr)
	fs.StringVar(&f.config, "config", "", "configuration `file` (YAML); none: defaults and PRESSBOT_* environment")
	fs.StringVar(&f.content, "content", "", "`directory` of the Markdown releases (default content)")
	fs.StringVar(&f.db, "db", "", "database `URL`: sqlite:PATH or postgres://… (default sqlite:pressbot.db)")
	fs.StringVar(&f.http, "http", "", "listen `address` (default 127.0.0.1:8080)")
	fs.StringVar(&f.logFormat, "log-format", "", "log `format`: auto (text on a terminal, JSON otherwise), text or json")
	fs.StringVar(&f.logLevel, "log-level", "", "log `level`: debug, info, warn or error")
	fs.StringVar(&f.outbox, "outbox", "outbox", "`directory` where dry-run channels write their posts")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	cfg, err := loadServeConfig(f)
	if err != nil {
		fmt.Fprintln(stderr, "pressbot serve:", err)
		return exitProblems
	}
	log, err := newLogger(stderr, cfg.Log.Format, cfg.Log.Level, cfg.Zone)
	if err != nil {
		fmt.Fprintln(stderr, "pressbot serve:", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := pickPort(cfg)
	if err != nil {
		log.Error("cannot start", "err", err)
		return exitProblems
	}
	srv, err := newServer(ctx, cfg, f.outbox, log)
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		log.Error("cannot start", "err", err)
		return exitProblems
	}
	srv.ln = ln
	if err := srv.run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("stopped with an error", "err", err)
		return exitProblems
	}
	log.Info("stopped cleanly")
	return exitOK
}

// pickPort binds cfg's address when its port is 0 (any free port) and
// puts the port the system chose into cfg, so that the newsroom's links
// and the posts carry it rather than ":0". It returns nil for any other
// port: run binds that one once the newsroom is built.
func pickPort(cfg *config.Config) (net.Listener, error) {
	if _, port, err := net.SplitHostPort(cfg.HTTP.Addr); err != nil || port != "0" {
		return nil, nil
	}
	ln, err := httpd.Listen(cfg.HTTP.Addr)
	if err != nil {
		return nil, err
	}
	cfg.SetHTTPAddr(ln.Addr().String())
	return ln, nil
}

// loadServeConfig reads the configuration and applies the flags.
func loadServeConfig(f serveFlags) (*config.Config, error) {
	return config.LoadWithFlags(f.config, nil, []config.Flag{
		{Name: "-content", Env: config.EnvPrefix + "CONTENT_DIR", Value: f.content},
		{Name: "-db", Env: config.EnvPrefix + "DB", Value: f.db},
		{Name: "-http", Env: config.EnvPrefix + "HTTP_ADDR", Value: f.http},
		{Name: "-log-format", Env: config.EnvPrefix + "LOG_FORMAT", Value: f.logFormat},
		{Name: "-log-level", Env: config.EnvPrefix + "LOG_LEVEL", Value: f.logLevel},
	})
}
