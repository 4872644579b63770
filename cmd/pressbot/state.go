package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/config"
	"github.com/pressbot/pressbot/internal/store"
)

// stateFlags are the flags shared by queue, approve, reject and status.
type stateFlags struct {
	config  string
	db      string
	content string
	// create lets the command make a new SQLite database (approve, which
	// can record a release from its file); the others refuse one that is
	// not there, which means the wrong folder or -db.
	create bool
}

// define adds -config, -db (and -content when withContent) to fs.
func (f *stateFlags) define(fs *flag.FlagSet, withContent bool) {
	fs.StringVar(&f.config, "config", "", "configuration `file` (zone, channels, schedules, database); none: defaults and PRESSBOT_* environment")
	fs.StringVar(&f.db, "db", "", "database `URL`: sqlite:PATH or postgres://… (default: the config's db, sqlite:pressbot.db)")
	if withContent {
		fs.StringVar(&f.content, "content", "", "`directory` of the releases (default: the config's content.dir, ./content)")
	}
}

// stateEnv is what a state command works with.
type stateEnv struct {
	cfg   *config.Config
	store *store.Store
	zone  *time.Location
	// created names the SQLite file the command made, "" if it was there
	// (or the database is not SQLite).
	created string
}

// open loads the configuration and opens the store. On failure it prints
// the reason and returns a nil env.
func (f *stateFlags) open(ctx context.Context, name string, stderr io.Writer) *stateEnv {
	cfg, err := config.Load(f.config, nil)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot %s: %v\n", name, err)
		return nil
	}
	if f.db != "" {
		cfg.DB = f.db
	}
	if f.content != "" {
		// -content names the folder to read, even when the configuration
		// follows a git repository.
		cfg.Content.Dir, cfg.Content.Git.URL = f.content, ""
	}
	if err := f.dbExists(cfg.DB); err != nil {
		fmt.Fprintf(stderr, "pressbot %s: %v\n", name, err)
		return nil
	}
	created := missingSQLite(cfg.DB)
	s, err := store.Open(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot %s: %v\n", name, err)
		return nil
	}
	if err := serveBaseURL(ctx, cfg, s); err != nil {
		s.Close()
		fmt.Fprintf(stderr, "pressbot %s: %v\n", name, err)
		return nil
	}
	zone := cfg.Zone
	if zone == nil {
		zone = time.UTC
	}
	return &stateEnv{cfg: cfg, store: s, zone: zone, created: created}
}

// dbExists returns an error when db is a SQLite file that is not there
// and f may not create one: a command run from another folder than
// serve's, or with another -db, would otherwise show an empty queue.
func (f *stateFlags) dbExists(db string) error {
	abs := missingSQLite(db)
	if abs == "" || f.create {
		return nil
	}
	return fmt.Errorf("no database at %s: run the command where serve runs (a relative path is taken from the current folder), "+
		"or give the database with -db or -config; pressbot serve creates it", abs)
}

// missingSQLite returns the absolute path of db's SQLite file when it is
// not there, else "".
func missingSQLite(db string) string {
	path, ok := store.SQLitePath(db)
	if !ok {
		return ""
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	abs, _ := filepath.Abs(path)
	return abs
}

// serveBaseURL makes cfg link where serve does when cfg names no base URL
// of its own: serve may listen on another address (-http) than the default
// the command line would link to.
func serveBaseURL(ctx context.Context, cfg *config.Config, s *store.Store) error {
	if !cfg.Site.BaseURLDerived {
		return nil
	}
	base, err := s.Setting(ctx, store.SettingBaseURL)
	if base != "" {
		cfg.Site.BaseURL = base
	}
	return err
}

// openID parses args (flags before or after the one release ID) with fs,
// whose flags include f's, and opens the store. It returns the state and
// the ID, or false and the exit code, having printed why.
func (f *stateFlags) openID(fs *flag.FlagSet, args []string, stderr io.Writer) (*stateEnv, string, int, bool) {
	if code, ok := parseFlags(fs, reorderArgs(args)); !ok {
		return nil, "", code, false
	}
	id, ok := oneID(fs)
	if !ok {
		return nil, "", exitUsage, false
	}
	env := f.open(context.Background(), fs.Name(), stderr)
	if env == nil {
		return nil, "", exitProblems, false
	}
	return env, id, exitOK, true
}

// noRelease is the error for an ID the database does not know, or err.
func noRelease(id string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no release %q in the database: an ID is the path under the content folder without .md; "+
			"'pressbot queue -all' lists them (a new file is recorded once 'pressbot serve' has seen it)", id)
	}
	return err
}

// cliActor is the audit actor of the person at the terminal: "cli:$USER".
func cliActor() store.Approver {
	name := os.Getenv("USER")
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	if name == "" {
		name = "unknown"
	}
	return store.Approver{Kind: "cli", ID: name, Name: name}
}

// oneID returns the single ID argument of fs, or prints the usage.
func oneID(fs *flag.FlagSet) (string, bool) {
	if fs.NArg() != 1 || strings.TrimSpace(fs.Arg(0)) == "" {
		fs.Usage()
		return "", false
	}
	return strings.TrimSuffix(strings.Trim(fs.Arg(0), "/"), ".md"), true
}

// localTime formats t in zone for tables ("-" for zero).
func localTime(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(zone).Format(localLayout)
}

// localLayout is how the command line writes a time in the office zone,
// with its offset from UTC (a zone's abbreviation can be ambiguous).
const localLayout = "2006-01-02 15:04 -07:00"
