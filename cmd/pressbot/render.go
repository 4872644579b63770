package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/config"
	"github.com/pressbot/pressbot/internal/content"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render"
	"github.com/pressbot/pressbot/internal/weburl"
)

func init() {
	register(command{name: "render", summary: "show what each channel would post for a release", run: runRender})
}

const renderDescription = `Render reads one release FILE and prints what each channel would post:
Telegram HTML messages, the Facebook post and the X post (or thread), with
each part's length as the platform counts it and the platform's limit
(length/limit). With -json it prints one JSON object:

  {"id","lang","hash","posts":[{"channel","kind","parts":[{"format","text",
   "length","limit","media":[{"url","alt"}],"link"}]}]}

The channels are telegram, facebook and x; -channel shows one of them.
With -config, the configured channels (names, kinds, X threads), newsroom
base URL, zone and default language are used; flags given on the command
line win. The tags of its approval rules are private (unless a rule says
public: true): they become no hashtag, exactly as serve posts them.
The release ID is the path under content/ without .md when FILE lies in a
content folder, else the file name without .md. A release with errors is
not rendered: its problems are printed and the exit code is 1.`

// renderFlags are the flags of the render command.
type renderFlags struct {
	config  string
	channel string
	json    bool
	baseURL string
	thread  bool
	lang    string
	zone    string
	private release.PrivateTags // from -config: tags of approval rules, never hashtags
}

// runRender implements "pressbot render".
func runRender(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("render", "[-config FILE] [-channel NAME] [-json] [-base-url URL] [-thread] [-lang L] [-zone TZ] FILE", renderDescription, stderr)
	var f renderFlags
	fs.StringVar(&f.config, "config", "", "configuration `file` to take the channels, base URL, zone and default language from")
	fs.StringVar(&f.channel, "channel", "", "render only the channel `name`d (telegram, facebook or x)")
	fs.BoolVar(&f.json, "json", false, "print JSON instead of a preview")
	fs.StringVar(&f.baseURL, "base-url", "http://127.0.0.1:8080", "newsroom base `URL` for links")
	fs.BoolVar(&f.thread, "thread", false, "post the lead on X as a thread of numbered replies")
	fs.StringVar(&f.lang, "lang", "en", "`language` of a release without lang (BCP 47)")
	fs.StringVar(&f.zone, "zone", content.DefaultZone, "time `zone` for dates written without an offset")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	chans, err := f.fromConfig(fs)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot render: %v\n", err)
		return exitProblems
	}
	ascii, err := weburl.ASCII(f.baseURL)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot render: -base-url %q: %v; write it as a browser shows it (https://пресса.uz/новости) or in ASCII (https://xn--80aj3aega.uz/news)\n", f.baseURL, err)
		return exitUsage
	}
	f.baseURL = ascii // links in the posts as the newsroom writes them
	zone, err := time.LoadLocation(f.zone)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot render: -zone %q: %v\n", f.zone, err)
		return exitUsage
	}
	if f.channel != "" {
		ch, ok := renderFindChannel(chans, f.channel)
		if !ok {
			fmt.Fprintf(stderr, "pressbot render: unknown channel %q (want one of %s)\n", f.channel, renderChannelNames(chans))
			return exitUsage
		}
		chans = []render.Channel{ch}
	}
	r, err := render.New(render.Config{BaseURL: f.baseURL, Channels: chans, Zone: zone, PrivateTags: f.private})
	if err != nil {
		fmt.Fprintf(stderr, "pressbot render: %v\n", err)
		return exitUsage
	}
	// In a content folder, a local picture is checked and its digest
	// hashed, as serve does: the hash printed is the one approved.
	dir, _, _ := splitContentPath(fs.Arg(0))
	rel, code := renderReadRelease(fs.Arg(0), content.Options{Zone: zone, DefaultLang: f.lang, ImageDir: dir}, stderr)
	if code != exitOK {
		return code
	}
	posts, err := renderChosen(r, rel, chans)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot render: %v\n", err)
		return exitProblems
	}
	if f.json {
		return renderWriteJSON(stdout, stderr, rel, posts)
	}
	renderWritePreview(stdout, rel, posts)
	return exitOK
}

// fromConfig loads -config, if given, into the flags not set on the
// command line, and returns the channels to render: the configured ones,
// or telegram, facebook and x. -thread turns threads on for X channels.
func (f *renderFlags) fromConfig(fs *flag.FlagSet) ([]render.Channel, error) {
	chans := render.DefaultChannels()
	if f.config != "" {
		cfg, err := config.Load(f.config, nil)
		if err != nil {
			return nil, err
		}
		set := map[string]bool{}
		fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
		if !set["base-url"] && cfg.Site.BaseURL != "" {
			f.baseURL = cfg.Site.BaseURL
		}
		if !set["lang"] && cfg.Office.DefaultLang != "" {
			f.lang = cfg.Office.DefaultLang
		}
		if !set["zone"] && cfg.Office.Zone != "" {
			f.zone = cfg.Office.Zone
		}
		chans, f.private = renderChannels(cfg), cfg.Approval.PrivateTags()
	}
	for i := range chans {
		chans[i].Thread = chans[i].Thread || (chans[i].Kind == release.KindX && f.thread)
	}
	return chans, nil
}

// renderChannelNames lists the channels' names for a message.
func renderChannelNames(chans []render.Channel) string {
	names := make([]string, len(chans))
	for i, c := range chans {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// renderFindChannel returns the channel called name.
func renderFindChannel(chans []render.Channel, name string) (render.Channel, bool) {
	for _, c := range chans {
		if c.Name == name {
			return c, true
		}
	}
	return render.Channel{}, false
}

// exampleRelease returns the first release file under dir, or the shape
// of one when there is none.
func exampleRelease(dir string) string {
	found := filepath.Join(dir, "YYYY", "slug.md")
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			found = p
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// renderReadRelease reads and parses FILE, printing its problems; a release with
// errors gives exit code 1.
func renderReadRelease(path string, opts content.Options, stderr io.Writer) (release.Release, int) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		fmt.Fprintf(stderr, "pressbot render: %s is a folder: render takes one release file, such as %s (to check a whole folder: pressbot check %s)\n",
			path, exampleRelease(path), path)
		return release.Release{}, exitUsage
	}
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot render: %v\n", err)
		return release.Release{}, exitProblems
	}
	id := renderReleaseID(path)
	if ext := filepath.Ext(path); ext != ".md" && strings.EqualFold(ext, ".md") {
		fmt.Fprintf(stderr, "%s:1:1: warning: ignored by serve, build and check of its folder: only files ending in .md (lower case) are releases; rename it to %s\n",
			path, strings.TrimSuffix(filepath.Base(path), ext)+".md")
		id = renderReleaseID(strings.TrimSuffix(path, ext) + ".md") // its ID once renamed
	}
	rel, problems := content.Parse(path, id, data, opts)
	for _, p := range problems {
		fmt.Fprintln(stderr, p.String())
	}
	if content.HasErrors(problems) {
		return release.Release{}, exitProblems
	}
	return rel, exitOK
}

// renderReleaseID is the path under the last "content" folder without ".md", or
// the file name without ".md".
func renderReleaseID(path string) string {
	if _, id, ok := splitContentPath(path); ok {
		return id
	}
	return strings.TrimSuffix(filepath.Base(path), ".md")
}

// splitContentPath splits the path of a release file that lies in a
// folder named content into that folder and the release ID.
func splitContentPath(path string) (dir, id string, ok bool) {
	p := filepath.ToSlash(filepath.Clean(path))
	i := strings.LastIndex("/"+p, "/content/") // p[i:] starts with "content/"
	if i < 0 {
		return "", "", false
	}
	return filepath.FromSlash(p[:i+len("content")]), strings.TrimSuffix(p[i+len("content/"):], ".md"), true
}

// renderChosen renders the release for the chosen channels: with one
// channel named, even if the release's channels leave it out.
func renderChosen(r *render.Renderer, rel release.Release, chans []render.Channel) ([]release.Post, error) {
	if len(chans) == 1 {
		p, err := r.Post(rel, chans[0])
		return []release.Post{p}, err
	}
	return r.Render(rel)
}

// renderWriteJSON prints the posts as DESIGN.md's render JSON.
func renderWriteJSON(stdout, stderr io.Writer, rel release.Release, posts []release.Post) int {
	if err := release.NewRendering(rel, posts).Encode(stdout); err != nil {
		fmt.Fprintf(stderr, "pressbot render: %v\n", err)
		return exitProblems
	}
	return exitOK
}

// renderWritePreview prints each channel's parts with their counts.
func renderWritePreview(w io.Writer, rel release.Release, posts []release.Post) {
	fmt.Fprintf(w, "%s (%s) hash %s\n", rel.ID, rel.Lang, rel.ShortHash())
	for _, p := range posts {
		fmt.Fprintf(w, "\n=== %s (%s): %s\n", p.Channel, p.Kind, plural(len(p.Parts), "part"))
		for i, part := range p.Parts {
			fmt.Fprintf(w, "--- part %d/%d: %s %d/%d", i+1, len(p.Parts), part.Format, part.Length, part.Limit)
			for _, m := range part.Media {
				fmt.Fprintf(w, ", media %s (alt %q)", m.URL, m.Alt)
			}
			if part.Link != "" {
				fmt.Fprintf(w, ", link %s", part.Link)
			}
			fmt.Fprintf(w, "\n%s\n", part.Text)
		}
	}
}
