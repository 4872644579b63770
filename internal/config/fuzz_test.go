package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzLoad feeds arbitrary files to Load. Whatever the input, Load must not
// panic; a failure must be an *Error whose every problem names a key and
// says something, at a line inside the file; and a configuration it
// accepts must dump (as `pressbot config` prints it) to YAML that Load
// accepts again, with no secret of the file left in it.
func FuzzLoad(f *testing.F) {
	example, err := os.ReadFile(filepath.Join("..", "..", "pressbot.example.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(example),
		"",
		"office:\n  zone: Mars/Olympus\n",
		"channels:\n  - name: tg\n    kind: telegram\n    token: \"123:fuzzsecretfuzzsecret\"\n    chat_id: \"@news\"\n",
		"channels:\n  - name: x\n    kind: x\n    consumer_key: ckfuzzsecret0001\n    thread: true\n",
		"channels:\n  - {name: a, kind: telegram}\n  - {name: a, kind: facebook}\n",
		"approval:\n  users:\n    - {id: 1, role: boss}\n",
		"content:\n  git:\n    url: https://user:tokenfuzzsecret@git.example.org/r.git\n",
		"schedule: [\n",
		"office: {name: 3}\nunknown: 1\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "pressbot.yaml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		noEnv := func(string) string { return "" }
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				panic(fmt.Sprintf("Load hangs on %q", data))
			}
		}()
		c, err := Load(path, noEnv)
		close(done)
		if err != nil {
			checkProblems(t, err, data)
			return
		}
		dump, err := c.Dump()
		if err != nil {
			t.Fatalf("accepted config does not dump: %v", err)
		}
		for _, s := range secrets(c) {
			if len(s) >= 12 && !strings.Contains(s, Redacted) && bytes.Contains(dump, []byte(s)) {
				t.Fatalf("dump shows the secret %q:\n%s", s, dump)
			}
		}
		again := filepath.Join(t.TempDir(), "dump.yaml")
		if err := os.WriteFile(again, dump, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(again, noEnv); err != nil {
			t.Fatalf("the dump of an accepted config is refused: %v\ninput:\n%s\ndump:\n%s", err, data, dump)
		}
	})
}

// checkProblems fails t unless err is an *Error of well-formed problems.
func checkProblems(t *testing.T, err error, data []byte) {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("Load failed with %T %v, want *config.Error", err, err)
	}
	if len(ce.Problems) == 0 {
		t.Fatal("config.Error with no problems")
	}
	lines := bytes.Count(data, []byte("\n")) + 1
	for _, p := range ce.Problems {
		if p.Key == "" || strings.TrimSpace(p.Message) == "" {
			t.Errorf("problem without key or message: %+v", p)
		}
		if p.Line < 0 || p.Line > lines {
			t.Errorf("problem at line %d of a %d-line file: %+v", p.Line, lines, p)
		}
	}
}

// secrets lists every credential value of c.
func secrets(c *Config) []string {
	out := []string{
		c.Approval.Telegram.Token.Reveal(),
		c.Approval.Telegram.WebhookSecret.Reveal(),
	}
	for _, ch := range c.Channels {
		out = append(out, ch.Token.Reveal(), ch.PageToken.Reveal(), ch.AppSecret.Reveal(),
			ch.ConsumerKey.Reveal(), ch.ConsumerSecret.Reveal(), ch.AccessToken.Reveal(), ch.AccessSecret.Reveal())
	}
	return out
}
