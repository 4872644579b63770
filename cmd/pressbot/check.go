package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/pressbot/pressbot/internal/config"
	"github.com/pressbot/pressbot/internal/content"
)

func init() {
	register(command{name: "check", summary: "validate press releases and report problems", run: runCheck})
}

const checkDescription = `Check reads every *.md release under each PATH (default: content, or the
content.dir of -config) and
reports each problem as path:line:col: message, sorted by file and line,
then a summary line "N releases, E errors, W warnings".
It exits 1 if any error was found; warnings alone exit 0.

With -format github, problems are printed as GitHub Actions workflow
commands (::error file=...,line=...,col=...::message) so that a pull request
is annotated on the offending lines.

A local image (image: path, not a URL) or picture of the text that is not
in the content folder is a warning when one folder is checked, as is one
that build would leave out of the newsroom: a symbolic link that leads
out of the folder or to a missing file, a named pipe, a file pressbot
cannot read. A release file that is a named pipe, a device or a socket
is an error, and is not read.

With -config, the configured zone, default language and channel names are
used; -zone, -lang and -channels given on the command line win.`

// checkFlags are the flags of the check command.
type checkFlags struct {
	config   string
	format   string
	lang     string
	zone     string
	channels string
}

// runCheck implements "pressbot check".
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("check", "[-format text|github] [-config FILE] [-lang L] [-zone TZ] [-channels a,b] [PATH...]", checkDescription, stderr)
	var f checkFlags
	fs.StringVar(&f.config, "config", "", "configuration `file` to take the zone, default language and channels from")
	fs.StringVar(&f.format, "format", "text", "output `format`: text or github (GitHub Actions annotations)")
	fs.StringVar(&f.lang, "lang", "en", "`language` of releases without lang (BCP 47)")
	fs.StringVar(&f.zone, "zone", content.DefaultZone, "time `zone` for dates written without an offset")
	fs.StringVar(&f.channels, "channels", strings.Join(content.DefaultChannels, ","), "comma-separated configured channel `names`")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	dir, err := f.fromConfig(fs)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot check: %v\n", err)
		return exitProblems
	}
	opts, err := f.options()
	if err != nil {
		fmt.Fprintf(stderr, "pressbot check: %v\n", err)
		fs.Usage()
		return exitUsage
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{dir}
	}
	// check shows no hash: pictures are opened, as build opens them, but
	// not read.
	opts.ImageDir, opts.NoImageDigest = imageDir(paths), true
	res, err := content.LoadPaths(paths, opts)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot check: %v\n", err)
		return exitProblems
	}
	printProblems(stdout, res.Problems, f.format)
	fmt.Fprintf(stdout, "%s, %s, %s\n", plural(len(res.Releases), "release"), plural(res.Errors(), "error"), plural(res.Warnings(), "warning"))
	if res.Errors() > 0 {
		return exitProblems
	}
	return exitOK
}

// imageDir is the folder local images are checked in: the content folder
// when one folder is checked; "" (no image check) for files named alone,
// whose content folder is unknown, or for several folders.
func imageDir(paths []string) string {
	if len(paths) != 1 {
		return ""
	}
	if st, err := os.Stat(paths[0]); err != nil || !st.IsDir() {
		return ""
	}
	return paths[0]
}

// fromConfig loads -config, if given, into the flags not set on the
// command line, and returns the content folder to check by default.
func (f *checkFlags) fromConfig(fs *flag.FlagSet) (string, error) {
	if f.config == "" {
		return "content", nil
	}
	cfg, err := config.Load(f.config, nil)
	if err != nil {
		return "", err
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if !set["lang"] && cfg.Office.DefaultLang != "" {
		f.lang = cfg.Office.DefaultLang
	}
	if !set["zone"] && cfg.Office.Zone != "" {
		f.zone = cfg.Office.Zone
	}
	if !set["channels"] && len(cfg.Channels) > 0 {
		f.channels = strings.Join(cfg.ChannelNames(), ",")
	}
	if dir := cfg.Content.ReleaseDir(); dir != "" {
		return dir, nil
	}
	return "content", nil
}

// options validates the flags and turns them into loader options.
func (f checkFlags) options() (content.Options, error) {
	var o content.Options
	if f.format != "text" && f.format != "github" {
		return o, fmt.Errorf("-format must be text or github, not %q", f.format)
	}
	tag, err := language.Parse(f.lang)
	if err != nil {
		return o, fmt.Errorf("-lang %q is not a BCP 47 language tag", f.lang)
	}
	o.DefaultLang = tag.String()
	if o.Zone, err = time.LoadLocation(f.zone); err != nil && f.zone != content.DefaultZone {
		return o, fmt.Errorf("-zone %q: %w", f.zone, err)
	}
	for c := range strings.SplitSeq(f.channels, ",") {
		if c = strings.TrimSpace(c); c != "" {
			o.Channels = append(o.Channels, c)
		}
	}
	if len(o.Channels) == 0 {
		return o, fmt.Errorf("-channels must name at least one channel")
	}
	return o, nil
}

// printProblems writes problems as text lines or GitHub annotations.
func printProblems(w io.Writer, ps []content.Problem, format string) {
	for _, p := range ps {
		if format != "github" {
			fmt.Fprintln(w, p.String())
			continue
		}
		fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d::%s\n", p.Severity, escapeProperty(p.Path), p.Line, p.Col, escapeData(p.Message))
	}
}

// escapeData escapes a workflow command's message
// (https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
