package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func init() {
	register(command{name: "version", summary: "print the pressbot version", run: runVersion})
}

// runVersion prints the version, the VCS revision when known, and Go's.
func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "", "Print the pressbot version.", stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	v, rev, goVer := version, "", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVer = bi.GoVersion
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = s.Value
			}
		}
	}
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	line := "pressbot " + v
	if rev != "" {
		line += " (" + rev + ")"
	}
	fmt.Fprintf(stdout, "%s %s\n", line, goVer)
	return exitOK
}
