package gitsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// redacted replaces credentials in every log line and error.
const redacted = "[redacted]"

// maxStderrLines is how many lines of git's stderr an error quotes.
const maxStderrLines = 3

// runner executes the system git with a scrubbed environment, a timeout
// per command, and credentials removed from everything it reports.
type runner struct {
	bin     string
	timeout time.Duration
	secrets []string // longest first
}

// run executes git with args in dir (none if dir is "") and returns its
// standard output. op names the step in errors ("gitsync: fetch: …").
func (r *runner) run(ctx context.Context, op, dir string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	argv := make([]string, 0, len(args)+2)
	if dir != "" {
		argv = append(argv, "-C", dir)
	}
	argv = append(argv, args...)
	cmd := exec.CommandContext(ctx, r.bin, argv...)
	cmd.Env = gitEnv(os.Environ())
	cmd.WaitDelay = 5 * time.Second // an ssh child holding the pipes must not hang us
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err == nil {
		return stdout.Bytes(), nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return nil, fmt.Errorf("gitsync: %s: git gave no answer within %s: %w", op, r.timeout, ctxErr)
		}
		return nil, fmt.Errorf("gitsync: %s: %w", op, ctxErr)
	}
	if msg := r.redact(firstLines(stderr.String(), maxStderrLines)); msg != "" {
		return nil, fmt.Errorf("gitsync: %s: %s (%w)", op, msg, err)
	}
	return nil, fmt.Errorf("gitsync: %s: %w", op, err)
}

// gitEnv returns the environment for git: never prompt for credentials,
// read pathspecs literally, speak English, and ignore variables that would
// point git at another repository than the checkout.
func gitEnv(env []string) []string {
	drop := []string{"GIT_DIR=", "GIT_WORK_TREE=", "GIT_INDEX_FILE=", "GIT_OBJECT_DIRECTORY=",
		"GIT_ALTERNATE_OBJECT_DIRECTORIES=", "GIT_NAMESPACE=", "GIT_CEILING_DIRECTORIES=",
		"GIT_TERMINAL_PROMPT=", "GIT_LITERAL_PATHSPECS=", "LC_ALL="}
	out := slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		return slices.ContainsFunc(drop, func(p string) bool { return strings.HasPrefix(kv, p) })
	})
	return append(out, "GIT_TERMINAL_PROMPT=0", "GIT_LITERAL_PATHSPECS=1", "LC_ALL=C")
}

// firstLines returns up to n non-empty lines of git's stderr, without
// "hint:" lines, joined with "; ".
func firstLines(s string, n int) string {
	var lines []string
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "hint:") {
			continue
		}
		lines = append(lines, line)
		if len(lines) == n {
			break
		}
	}
	return strings.Join(lines, "; ")
}

// minBareSecret is the shortest password or token redacted wherever it
// appears on its own; shorter ones are redacted only inside "userinfo@".
const minBareSecret = 6

// secretsOf returns the strings to hide for a URL with userinfo: the
// userinfo followed by "@", and the password (or the user name when it
// stands alone, as in https://TOKEN@host), raw and percent-decoded, longest
// first. scp-like addresses (git@host:path) carry no secret.
func secretsOf(rawURL string) []string {
	scheme := strings.Index(rawURL, "://")
	if scheme < 0 {
		return nil
	}
	authority := rawURL[scheme+3:]
	if i := strings.IndexAny(authority, "/?#"); i >= 0 {
		authority = authority[:i]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return nil
	}
	info := authority[:at]
	set := map[string]bool{info + "@": true, unescape(info) + "@": true}
	user, pass, hasPass := strings.Cut(info, ":")
	if !hasPass {
		pass = user
	}
	for _, s := range []string{pass, unescape(pass)} {
		if len(s) >= minBareSecret {
			set[s] = true
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		if s != "@" {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// unescape percent-decodes s, or returns it unchanged when it is malformed.
func unescape(s string) string {
	if dec, err := url.PathUnescape(s); err == nil {
		return dec
	}
	return s
}

// redact removes every credential of the configured URL from s.
func (r *runner) redact(s string) string {
	for _, sec := range r.secrets {
		if strings.HasSuffix(sec, "@") {
			s = strings.ReplaceAll(s, sec, redacted+"@")
		} else {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	return s
}
