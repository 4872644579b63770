// Package gitsync keeps a local checkout of a remote content repository
// with the system git binary and tells the caller which release files
// changed between the last processed commit and the remote branch's head.
//
// The checkout belongs to pressbot: every Sync hard-resets it to the remote
// branch and removes untracked files. The remote URL is passed to git on
// each fetch and never written into the checkout's configuration, so a
// token in the URL stays out of the folder; it is redacted from every error
// and log line.
package gitsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Defaults of Config.
const (
	DefaultBranch   = "main"
	DefaultInterval = time.Minute
	DefaultTimeout  = 2 * time.Minute
)

// Config says which repository to follow and where to keep it.
type Config struct {
	URL      string        // remote; https://user:token@host/… is accepted and redacted
	Branch   string        // branch to follow (default "main")
	Dir      string        // local checkout, created on first use and reused after
	Subdir   string        // folder of releases inside the repository ("" = root)
	Interval time.Duration // fetch period of Run (default 1 min)
	Timeout  time.Duration // limit for one git command (default 2 min)
	Git      string        // git binary (default "git" from PATH)
	Logger   *slog.Logger
}

// Syncer follows one branch of one remote in a local checkout.
type Syncer struct {
	cfg    Config
	subdir string // cleaned, forward slashes, "" for the root
	git    runner
	log    *slog.Logger
	url    string // URL with credentials redacted, for logs and errors

	mu   sync.Mutex // one git operation on the checkout at a time
	head string     // guarded by mu
}

// New validates cfg, resolves the git binary and returns a Syncer. It does
// not touch the network or the checkout; the first Sync does.
func New(cfg Config) (*Syncer, error) {
	if cfg.URL == "" {
		return nil, errors.New("gitsync: no repository URL: set content.git.url")
	}
	if strings.HasPrefix(cfg.URL, "-") {
		return nil, fmt.Errorf("gitsync: repository URL %q starts with \"-\"", cfg.URL)
	}
	if cfg.Branch == "" {
		cfg.Branch = DefaultBranch
	}
	if err := ValidBranch(cfg.Branch); err != nil {
		return nil, err
	}
	if cfg.Dir == "" {
		return nil, errors.New("gitsync: no checkout folder (Dir)")
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("gitsync: checkout folder: %w", err)
	}
	cfg.Dir = dir
	subdir, err := cleanSubdir(cfg.Subdir)
	if err != nil {
		return nil, err
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Git == "" {
		cfg.Git = "git"
	}
	bin, err := exec.LookPath(cfg.Git)
	if err != nil {
		return nil, fmt.Errorf("gitsync: git binary %q not found; install git or set its path: %w", cfg.Git, err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Syncer{cfg: cfg, subdir: subdir, git: runner{bin: bin, timeout: cfg.Timeout, secrets: secretsOf(cfg.URL)}}
	s.url = s.git.redact(cfg.URL)
	s.log = cfg.Logger.With("repo", s.url, "branch", cfg.Branch)
	return s, nil
}

// ValidBranch rejects branch names git would read as options or refuse as
// refs (the rules of git-check-ref-format, checked without running git).
func ValidBranch(b string) error {
	bad := func(why string) error {
		return fmt.Errorf("gitsync: branch %q: %s; use a plain branch name such as %q", b, why, DefaultBranch)
	}
	switch {
	case strings.HasPrefix(b, "-"):
		return bad(`starts with "-"`)
	case strings.HasPrefix(b, "/") || strings.HasSuffix(b, "/") || strings.Contains(b, "//"):
		return bad("has an empty path component")
	case strings.HasSuffix(b, ".") || strings.HasSuffix(b, ".lock"):
		return bad(`ends with "." or ".lock"`)
	case strings.Contains(b, "..") || strings.Contains(b, "@{") || b == "@" || b == "HEAD":
		return bad(`contains "..", "@{" or is a reserved name`)
	case strings.ContainsAny(b, " ~^:?*[\\\x7f"):
		return bad("contains a space or one of ~ ^ : ? * [ \\")
	}
	for _, r := range b {
		if r < 0x20 {
			return bad("contains a control character")
		}
	}
	for part := range strings.SplitSeq(b, "/") {
		if strings.HasPrefix(part, ".") {
			return bad(`has a component starting with "."`)
		}
	}
	return nil
}

// cleanSubdir returns the release folder inside the repository as a clean
// relative slash path, "" for the root.
func cleanSubdir(sub string) (string, error) {
	p := path.Clean(filepath.ToSlash(sub))
	switch {
	case sub == "" || p == ".":
		return "", nil
	case path.IsAbs(p) || p == ".." || strings.HasPrefix(p, "../") || filepath.IsAbs(sub):
		return "", fmt.Errorf("gitsync: subdir %q must be a folder inside the repository, such as \"content\"", sub)
	}
	return p, nil
}

// ContentDir returns the folder of the release files in the checkout, for
// the content loader.
func (s *Syncer) ContentDir() string {
	return filepath.Join(s.cfg.Dir, filepath.FromSlash(s.subdir))
}

// Head returns the commit checked out by the last successful Sync, or ""
// before it.
func (s *Syncer) Head() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.head
}

// Sync makes the checkout if needed, fetches the branch, hard-resets the
// checkout to it and reports the release files changed since commit last.
// When last is "" or unknown to the repository (history rewritten by a
// force-push, or a new checkout), every release file is reported as added
// and From is "". Changes.To is the new head.
func (s *Syncer) Sync(ctx context.Context, last string) (Changes, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ensureRepo(ctx); err != nil {
		return Changes{}, err
	}
	head, err := s.fetch(ctx)
	if err != nil {
		return Changes{}, err
	}
	if _, err := s.git.run(ctx, "reset", s.cfg.Dir, "reset", "--hard", "--quiet", head, "--"); err != nil {
		return Changes{}, err
	}
	if _, err := s.git.run(ctx, "clean", s.cfg.Dir, "clean", "-ffdxq"); err != nil {
		return Changes{}, err
	}
	s.head = head
	if last != "" && !s.known(ctx, last) {
		s.log.Warn("last processed commit is not in the repository (force-push?); offering every release again", "last", last, "head", head)
		last = ""
	}
	if last == "" {
		return s.all(ctx, head)
	}
	if last == head {
		return Changes{From: last, To: head}, nil
	}
	out, err := s.git.run(ctx, "diff", s.cfg.Dir, "diff", "--name-status", "-M", "-z", "--no-ext-diff",
		"--end-of-options", last, head, "--")
	if err != nil {
		return Changes{}, err
	}
	entries, err := parseNameStatus(out)
	if err != nil {
		return Changes{}, fmt.Errorf("gitsync: diff: %w", err)
	}
	c := classify(entries, s.subdir)
	c.From, c.To = last, head
	return c, nil
}

// ensureRepo creates the checkout when Dir is missing or empty, and checks
// that an existing Dir is the top of a git repository.
func (s *Syncer) ensureRepo(ctx context.Context) error {
	dir := s.cfg.Dir
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) || err == nil && len(entries) == 0:
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return fmt.Errorf("gitsync: clone: %w", err)
		}
		_, err := s.git.run(ctx, "clone", "", "init", "--quiet", "--", dir)
		return err
	case err != nil:
		return fmt.Errorf("gitsync: checkout %s: %w", dir, err)
	}
	broken := func(why string) error {
		return fmt.Errorf("gitsync: checkout %s %s; delete the folder and pressbot will clone the repository again", dir, why)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		return broken("exists but is not a git repository")
	}
	out, err := s.git.run(ctx, "check checkout", dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return fmt.Errorf("gitsync: checkout %s is damaged; delete the folder and pressbot will clone the repository again: %w", dir, err)
	}
	top, err1 := filepath.EvalSymlinks(strings.TrimSpace(string(out)))
	want, err2 := filepath.EvalSymlinks(dir)
	if err1 != nil || err2 != nil || top != want {
		return broken("is not the top of a git repository")
	}
	return nil
}

// fetch fetches the branch from the URL into refs/remotes/origin/<branch>
// and returns the commit it points to.
func (s *Syncer) fetch(ctx context.Context) (string, error) {
	ref := "refs/remotes/origin/" + s.cfg.Branch
	refspec := "+refs/heads/" + s.cfg.Branch + ":" + ref
	if _, err := s.git.run(ctx, "fetch", s.cfg.Dir, "fetch", "--quiet", "--no-tags", "--prune", "--", s.cfg.URL, refspec); err != nil {
		return "", fmt.Errorf("%w (repository %s, branch %s)", err, s.url, s.cfg.Branch)
	}
	out, err := s.git.run(ctx, "fetch", s.cfg.Dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// known reports whether commit names a commit in the checkout. Only hex
// object names are accepted, so that a stored value can never be read as
// an option or a revision expression.
func (s *Syncer) known(ctx context.Context, commit string) bool {
	if !isHex(commit) {
		return false
	}
	_, err := s.git.run(ctx, "check commit", s.cfg.Dir, "cat-file", "-e", "--end-of-options", commit+"^{commit}")
	return err == nil
}

// isHex reports whether s looks like an abbreviated or full object name.
func isHex(s string) bool {
	if len(s) < 4 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

// all reports every release file at commit head as added.
func (s *Syncer) all(ctx context.Context, head string) (Changes, error) {
	out, err := s.git.run(ctx, "list files", s.cfg.Dir, "ls-tree", "-r", "-z", "--name-only", "--full-tree", head)
	if err != nil {
		return Changes{}, err
	}
	var entries []entry
	for p := range bytes.SplitSeq(out, []byte{0}) {
		if len(p) > 0 {
			entries = append(entries, entry{status: 'A', src: string(p)})
		}
	}
	c := classify(entries, s.subdir)
	c.To = head
	return c, nil
}

// CommitOf returns the last commit that touched the release file rel
// (relative to ContentDir), or "" when it is unknown. It runs one git log,
// so callers handling many files at once may prefer Head.
func (s *Syncer) CommitOf(rel string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.head == "" {
		return ""
	}
	p := path.Join(s.subdir, filepath.ToSlash(rel))
	out, err := s.git.run(context.Background(), "log", s.cfg.Dir, "log", "-1", "--format=%H", s.head, "--", p)
	if err != nil {
		s.log.Warn("cannot find the commit of a release", "file", rel, "err", err)
		return ""
	}
	return strings.TrimSpace(string(out))
}

// Run syncs at start and every Interval until ctx ends, sending each
// non-empty Changes to out; last is the last commit the caller processed.
// A failed sync (network down, remote gone) is logged and retried at the
// next tick, so it never stops the caller. Run returns nil when ctx ends.
// The next Sync rewrites the files in ContentDir, so the caller should be
// done reading one Changes' files within Interval.
func (s *Syncer) Run(ctx context.Context, last string, out chan<- Changes) error {
	tick := time.NewTicker(s.cfg.Interval)
	defer tick.Stop()
	failing := false
	for {
		c, err := s.Sync(ctx, last)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			s.log.Warn("content repository sync failed; retrying", "every", s.cfg.Interval.String(), "err", err)
			failing = true
		default:
			if failing {
				s.log.Info("content repository sync recovered", "head", c.To)
				failing = false
			}
			if !c.Empty() {
				select {
				case out <- c:
				case <-ctx.Done():
					return nil
				}
			}
			last = c.To
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
