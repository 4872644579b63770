package main

import (
	"fmt"
	"io"

	"github.com/pressbot/pressbot/internal/config"
)

func init() {
	register(command{name: "config", summary: "print the effective configuration, secrets redacted", run: runConfig})
}

// runConfig validates the configuration and prints it with secrets redacted.
func runConfig(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("config", "[-config FILE]",
		"Validate the configuration (file, then PRESSBOT_* environment, then defaults)\nand print the result with every secret redacted, and why each dry-run channel\nis one (as YAML comments).", stderr)
	path := fs.String("config", "", "configuration `file` (YAML); none: defaults and environment")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	cfg, err := config.Load(*path, nil)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	out, err := cfg.Dump()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	_, _ = stdout.Write(out)
	for _, ch := range cfg.Channels {
		if why := ch.DryRunReason(); why != "" {
			fmt.Fprintf(stdout, "# %s: dry run, its posts go to the outbox: %s\n", ch.Name, why)
		}
	}
	return exitOK
}
