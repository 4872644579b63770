// Package outbox is the dry-run channel: instead of publishing, it writes
// each post as one JSON file under <Dir>/<channel>/, shaped like a post of
// `pressbot render -json` plus "release", "hash" and "published_at", so an
// office can see exactly what would have gone out. It is what a channel
// without credentials (or with dry_run) publishes to.
package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pressbot/pressbot/internal/channel/x"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render/textlen"
)

// DefaultDir is the outbox root when Config.Dir is empty.
const DefaultDir = "outbox"

// Config configures one outbox channel.
type Config struct {
	// Name is the configured channel name; files go to Dir/Name/.
	Name string
	// Kind is the outlet kind the channel stands in for (telegram, …).
	Kind string
	// Dir is the outbox root (default DefaultDir).
	Dir    string
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Channel writes posts to files. It is safe for concurrent use.
type Channel struct {
	cfg Config
	dir string // Dir/Name
	log *slog.Logger
	mu  sync.Mutex
}

// File is the JSON written for one post.
type File struct {
	release.Post
	PublishedAt time.Time `json:"published_at"`
	EditedAt    time.Time `json:"edited_at,omitzero"`
	// Correction marks the correction reply of an X channel, which cannot
	// edit (Correct); InReplyTo names the file of the post it answers.
	Correction bool   `json:"correction,omitempty"`
	InReplyTo  string `json:"in_reply_to,omitempty"`
}

// New returns an outbox channel. It creates nothing until the first
// Publish or Check.
func New(cfg Config) (*Channel, error) {
	if err := safeName(cfg.Name); err != nil {
		return nil, fmt.Errorf("outbox: channel name: %w", err)
	}
	if cfg.Dir == "" {
		cfg.Dir = DefaultDir
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Channel{cfg: cfg, dir: filepath.Join(cfg.Dir, cfg.Name), log: cfg.Logger.With("channel", cfg.Name)}, nil
}

// safeName refuses names that would leave the directory.
func safeName(s string) error {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, `/\`) || strings.HasPrefix(s, ".") {
		return fmt.Errorf("%q is not usable as a file name", s)
	}
	return nil
}

// FileName returns the file a post of release id with content hash is
// written to: the id with "/" replaced by "__", then the short hash
// ("2020/imts-success", "ab12…" → "2020__imts-success-ab12cd34ef56.json").
func FileName(id, hash string) (string, error) {
	for _, seg := range strings.Split(id, "/") {
		if err := safeName(seg); err != nil {
			return "", fmt.Errorf("release id %q: %w", id, err)
		}
	}
	short := hash
	if len(short) > 12 {
		short = short[:12]
	}
	if short == "" || strings.ContainsAny(short, `/\.`) {
		return "", fmt.Errorf("release %q: missing or bad content hash %q", id, hash)
	}
	return strings.ReplaceAll(id, "/", "__") + "-" + short + ".json", nil
}

// Publish writes post to Dir/<channel>/<FileName>, atomically. Publishing
// the same release and hash again writes nothing and returns the first
// receipt (its published_at), so a retried job does not make a second
// file. When that file belongs to another release (IDs such as "a/b" and
// "a__b" share a name), the post goes to the first free name of
// FileName's with ".2", ".3", … before ".json" that no other release has.
func (c *Channel) Publish(ctx context.Context, post release.Post) (release.Receipt, error) {
	name, err := FileName(post.Release, post.Hash)
	if err != nil {
		return release.Receipt{}, permanent(fmt.Errorf("outbox %q: publish: %w", c.cfg.Name, err))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	path, old, err := c.find(name, post.Release)
	if err == nil {
		c.log.Info("dry run: outbox channel already has post", "release", post.Release, "file", path)
		return c.receipt(path, old.PublishedAt), nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return release.Receipt{}, transient(fmt.Errorf("outbox %q: publish %s: %w", c.cfg.Name, post.Release, err))
	}
	f := File{Post: post, PublishedAt: c.cfg.Now().UTC()}
	if f.Channel == "" {
		f.Channel = c.cfg.Name
	}
	if f.Kind == "" {
		f.Kind = c.cfg.Kind
	}
	if err := writeFile(path, f); err != nil {
		return release.Receipt{}, transient(fmt.Errorf("outbox %q: publish %s: %w", c.cfg.Name, post.Release, err))
	}
	c.log.Info("dry run: outbox channel wrote post", "release", post.Release, "file", path)
	return c.receipt(path, f.PublishedAt), nil
}

// maxShared is how many releases find reports one file name may serve.
const maxShared = 100

// find returns the path of the file of release id among name and its
// variants (name with ".2", ".3", … before ".json") and that file. When
// there is none, it returns the first free path and an error wrapping
// fs.ErrNotExist. A FileName never has a "." after its hash, so the
// variants never meet another release's plain name. A file without a
// release field counts as id's.
func (c *Channel) find(name, id string) (string, File, error) {
	stem := strings.TrimSuffix(name, ".json")
	for n := 1; n <= maxShared; n++ {
		path := filepath.Join(c.dir, name)
		old, err := readFile(path)
		if err != nil || old.Release == "" || old.Release == id {
			return path, old, err
		}
		name = stem + "." + strconv.Itoa(n+1) + ".json"
	}
	return "", File{}, fmt.Errorf("%d other releases have files named like %s: rename some releases", maxShared, stem+".json")
}

func (c *Channel) receipt(path string, at time.Time) release.Receipt {
	return release.Receipt{
		Channel:     c.cfg.Name,
		Chat:        c.dir,
		RemoteIDs:   []string{filepath.Base(path)},
		URL:         fileURL(path),
		PublishedAt: at,
	}
}

// fileURL returns the file:// URL of path (absolute when it can be made so).
func fileURL(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// Edit does to the file of r what the platform the channel stands in for
// does to a published post, keeping its published_at and setting
// edited_at: Telegram edits the text (or caption) of each message and
// keeps its photos, refusing a post with another number of messages;
// Facebook edits the one post's text and keeps its photo. X cannot edit:
// Edit returns an error wrapping release.ErrNotSupported, and Correct
// writes the correction reply. Another kind has its file rewritten.
func (c *Channel) Edit(ctx context.Context, r release.Receipt, post release.Post) error {
	if c.cfg.Kind == release.KindX {
		return permanent(fmt.Errorf("outbox %q: edit: X cannot edit posts; post a correction reply instead: %w", c.cfg.Name, release.ErrNotSupported))
	}
	path, err := c.pathOf(r)
	if err != nil {
		return permanent(fmt.Errorf("outbox %q: edit: %w", c.cfg.Name, err))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old, err := readFile(path)
	if err != nil {
		return permanent(fmt.Errorf("outbox %q: edit %s: %w", c.cfg.Name, post.Release, err))
	}
	if post, err = editLike(c.cfg.Kind, old.Post, post); err != nil {
		return permanent(fmt.Errorf("outbox %q: edit %s: %w", c.cfg.Name, post.Release, err))
	}
	f := File{Post: post, PublishedAt: old.PublishedAt, EditedAt: c.cfg.Now().UTC()}
	if err := writeFile(path, f); err != nil {
		return transient(fmt.Errorf("outbox %q: edit %s: %w", c.cfg.Name, post.Release, err))
	}
	c.log.Info("dry run: outbox channel rewrote post", "release", post.Release, "file", path)
	return nil
}

// editLike returns the post an edit on a platform of kind leaves of the
// published post old when asked to edit it to post, or the error the
// platform's channel gives.
func editLike(kind string, old, post release.Post) (release.Post, error) {
	switch kind {
	case release.KindTelegram:
		// One message per part, one per photo of a part (an album); the
		// channel edits each part's first message.
		if got, want := messages(post), messages(old); got != want || len(post.Parts) != len(old.Parts) {
			return post, fmt.Errorf("the post has %d messages, the published one %d: publish it anew instead", got, want)
		}
	case release.KindFacebook:
		if len(post.Parts) != 1 || len(old.Parts) != 1 {
			return post, fmt.Errorf("the post has %d parts; want 1", len(post.Parts))
		}
	default:
		return post, nil
	}
	parts := slices.Clone(post.Parts)
	for i := range parts {
		parts[i].Media = old.Parts[i].Media // photos are not replaced, only the text
	}
	post.Parts = parts
	return post, nil
}

// messages counts the Telegram messages of post: one per part, or one per
// photo of a part with several.
func messages(post release.Post) int {
	n := 0
	for _, p := range post.Parts {
		n += max(len(p.Media), 1)
	}
	return n
}

// Correct writes the correction reply an X channel posts instead of an
// edit (see x.CorrectionText) as a new file beside the original, named
// like a post of the new version with ".correction" before ".json" and
// marked with "correction" and "in_reply_to" (the original's file), which
// stays as it was. Correcting to the same version again writes nothing and
// returns the first receipt.
func (c *Channel) Correct(ctx context.Context, r release.Receipt, post release.Post) (release.Receipt, error) {
	orig, err := c.pathOf(r)
	if err != nil {
		return release.Receipt{}, permanent(fmt.Errorf("outbox %q: correct: %w", c.cfg.Name, err))
	}
	text, ok := x.CorrectionText(post)
	if !ok {
		return release.Receipt{}, permanent(fmt.Errorf("outbox %q: correct %s: the changed post has no text", c.cfg.Name, post.Release))
	}
	name, err := FileName(post.Release, post.Hash)
	if err != nil {
		return release.Receipt{}, permanent(fmt.Errorf("outbox %q: correct: %w", c.cfg.Name, err))
	}
	path := filepath.Join(c.dir, strings.TrimSuffix(name, ".json")+".correction.json")
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := os.Stat(orig); err != nil {
		return release.Receipt{}, permanent(fmt.Errorf("outbox %q: correct %s: no post file %s to reply to in %s", c.cfg.Name, post.Release, filepath.Base(orig), c.dir))
	}
	if old, err := readFile(path); err == nil {
		return c.receipt(path, old.PublishedAt), nil
	}
	reply := post
	reply.Parts = []release.Part{{Format: release.FormatText, Text: text, Length: textlen.XWeight(text), Limit: textlen.XMaxWeight}}
	if reply.Channel == "" {
		reply.Channel = c.cfg.Name
	}
	if reply.Kind == "" {
		reply.Kind = c.cfg.Kind
	}
	f := File{Post: reply, PublishedAt: c.cfg.Now().UTC(), Correction: true, InReplyTo: filepath.Base(orig)}
	if err := writeFile(path, f); err != nil {
		return release.Receipt{}, transient(fmt.Errorf("outbox %q: correct %s: %w", c.cfg.Name, post.Release, err))
	}
	c.log.Info("dry run: outbox channel wrote correction reply", "release", post.Release, "file", path, "in_reply_to", filepath.Base(orig))
	return c.receipt(path, f.PublishedAt), nil
}

// Delete moves the file of r to Dir/<channel>/deleted/, keeping the dry
// run's trail. A file already moved there counts as deleted; one found in
// neither place is an error (an outbox other than the one that wrote it:
// a platform would say the post does not exist).
func (c *Channel) Delete(ctx context.Context, r release.Receipt) error {
	path, err := c.pathOf(r)
	if err != nil {
		return permanent(fmt.Errorf("outbox %q: delete: %w", c.cfg.Name, err))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	trash := filepath.Join(c.dir, "deleted")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(trash, filepath.Base(path))); err == nil {
			return nil
		}
		return permanent(fmt.Errorf("outbox %q: delete: no post file %s in %s or its deleted/ folder", c.cfg.Name, filepath.Base(path), c.dir))
	}
	if err := os.MkdirAll(trash, 0o755); err != nil {
		return transient(fmt.Errorf("outbox %q: delete: %w", c.cfg.Name, err))
	}
	if err := os.Rename(path, filepath.Join(trash, filepath.Base(path))); err != nil {
		return transient(fmt.Errorf("outbox %q: delete: %w", c.cfg.Name, err))
	}
	c.log.Info("dry run: outbox channel deleted post", "file", path)
	return nil
}

func (c *Channel) pathOf(r release.Receipt) (string, error) {
	if len(r.RemoteIDs) != 1 || safeName(r.RemoteIDs[0]) != nil || !strings.HasSuffix(r.RemoteIDs[0], ".json") {
		return "", fmt.Errorf("receipt %v does not name an outbox file", r.RemoteIDs)
	}
	return filepath.Join(c.dir, r.RemoteIDs[0]), nil
}

// Check verifies that Dir/<channel>/ exists or can be made, and is
// writable.
func (c *Channel) Check(ctx context.Context) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return permanent(fmt.Errorf("outbox %q: check: cannot create %s: %w: create it or fix its permissions", c.cfg.Name, c.dir, err))
	}
	f, err := os.CreateTemp(c.dir, ".check-*")
	if err != nil {
		return permanent(fmt.Errorf("outbox %q: check: %s is not writable: %w: fix its permissions", c.cfg.Name, c.dir, err))
	}
	_ = f.Close()
	_ = os.Remove(f.Name())
	return nil
}

func readFile(path string) (File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return File{}, err
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return File{}, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// writeFile writes f as indented JSON to path through a temporary file in
// the same directory and a rename, so readers never see half a file.
func writeFile(path string, f File) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep the post's HTML readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(buf.Bytes())
	merr := tmp.Chmod(0o644)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, merr, serr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}

func permanent(err error) error {
	return &release.SendError{Class: release.ClassPermanent, Err: err}
}

func transient(err error) error {
	return &release.SendError{Class: release.ClassTransient, Err: err}
}
