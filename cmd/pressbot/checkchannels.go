package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/pressbot/pressbot/internal/config"
)

func init() {
	register(command{name: "check-channels", summary: "verify each channel's credentials and permissions without posting", run: runCheckChannels})
}

// runCheckChannels runs Check on every configured channel and prints one
// line each: ok, or what is wrong and how to fix it.
func runCheckChannels(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("check-channels", "[-config FILE] [-outbox DIR]",
		"Check every configured channel's credentials and permissions without posting.\nChannels without credentials are outbox dry runs: their folder must be writable.", stderr)
	path := fs.String("config", "", "configuration `file` (YAML); none: defaults and PRESSBOT_* environment")
	outboxDir := fs.String("outbox", "outbox", "`directory` of the dry-run channels")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	cfg, err := config.Load(*path, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	outlets, err := newOutlets(cfg, *outboxDir, slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Fprintln(stderr, "pressbot check-channels:", err)
		return exitProblems
	}
	code := exitOK
	for _, ch := range cfg.Channels {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := outlets[ch.Name].Check(ctx)
		cancel()
		mode := ch.Kind
		if ch.Outbox() {
			mode = "outbox (dry run: " + *outboxDir + "/" + ch.Name + ")"
		}
		if err != nil {
			fmt.Fprintf(stdout, "%-12s %-10s FAIL %v\n", ch.Name, mode, err)
			code = exitProblems
			continue
		}
		fmt.Fprintf(stdout, "%-12s %-10s ok\n", ch.Name, mode)
	}
	return code
}
