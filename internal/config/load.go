package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"

	"github.com/pressbot/pressbot/internal/content/gitsync"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/schedule"
)

// Defaults used when the file or environment says nothing.
const (
	DefaultZone         = "Asia/Tashkent"
	DefaultLang         = "en"
	DefaultContentDir   = "content"
	DefaultDB           = "sqlite:pressbot.db"
	DefaultHTTPAddr     = "127.0.0.1:8080"
	DefaultGraphVersion = "v23.0"
	// DefaultOfficeName is office.name, and so the newsroom's title.
	DefaultOfficeName = "pressbot newsroom"
)

// Problem is one invalid setting, with the line of the file where it is
// (0 when it came from the environment, a flag or a default).
type Problem struct {
	File string
	Line int
	// Source says where the value came from when not the file:
	// "environment PRESSBOT_OFFICE_ZONE" or "flag -db".
	Source  string
	Key     string
	Message string
}

// String formats the problem as "file:line: key: message", or as
// "environment NAME: key: message" for a value from the environment.
func (p Problem) String() string {
	loc := p.File
	switch {
	case p.Source != "":
		loc = p.Source
	case loc == "":
		loc = "environment"
	case p.Line > 0:
		loc += ":" + strconv.Itoa(p.Line)
	}
	return fmt.Sprintf("%s: %s: %s", loc, p.Key, p.Message)
}

// Error lists every problem found in a configuration.
type Error struct{ Problems []Problem }

// Error implements error.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "config: invalid configuration:\n  " + strings.Join(lines, "\n  ")
}

// Default returns the configuration used with no file: ./content,
// sqlite:pressbot.db, 127.0.0.1:8080, and channels telegram, facebook and x
// as outbox (dry run), with approval by CLI only.
func Default() *Config {
	c := &Config{}
	c.fillDefaults()
	c.Zone, _ = time.LoadLocation(c.Office.Zone)
	return c
}

// Load reads the YAML file at path ("" for none), applies environment
// overrides read through getenv (nil: os.Getenv), fills defaults and
// validates. A validation failure is an *Error naming each key and line.
func Load(path string, getenv func(string) string) (*Config, error) {
	return LoadWithFlags(path, getenv, nil)
}

// LoadWithFlags is Load with command-line flags that stand for environment
// variables: a flag given overrides its variable, and a problem with its
// value names the flag.
func LoadWithFlags(path string, getenv func(string) string, flags []Flag) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := &Config{Source: path}
	var root yaml.Node
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		if err := decode(path, data, c, &root); err != nil {
			return nil, err
		}
	}
	c.defaultChannels()
	origin, probs := c.applyEnv(newEnvReader(getenv, flags))
	c.fillDefaults()
	probs = append(probs, c.validate(lineFinder{file: path, root: &root, origin: origin})...)
	if len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}
	return c, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

var (
	// shownValue finds the value in yaml's message for a value of the
	// wrong type.
	shownValue = regexp.MustCompile("cannot unmarshal !!\\w+ `(.*)` into ")
	// notBool matches yaml's message for a value that is no boolean.
	notBool = regexp.MustCompile("^cannot unmarshal !!\\w+ `(.*)` into bool$")
)

// decode parses data strictly (unknown keys are errors) into c and root.
// Problems past the end of the file (yaml counts a missing last newline as
// a line more) are put on its last line.
func decode(path string, data []byte, c *Config, root *yaml.Node) error {
	err := decodeYAML(path, data, c, root)
	var ce *Error
	if errors.As(err, &ce) {
		last := bytes.Count(data, []byte("\n")) + 1
		for i := range ce.Problems {
			ce.Problems[i].Line = min(ce.Problems[i].Line, last)
		}
	}
	return err
}

// decodeYAML is decode without the line clamp.
func decodeYAML(path string, data []byte, c *Config, root *yaml.Node) error {
	if err := yaml.Unmarshal(data, root); err != nil {
		return &Error{Problems: []Problem{yamlProblem(path, err.Error())}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(c)
	var te *yaml.TypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		probs := make([]Problem, len(te.Errors))
		for i, msg := range te.Errors {
			probs[i] = yamlProblem(path, msg)
			if probs[i].Key == "yaml" {
				// A line may hold several values ({tag: x, public: maybe}):
				// the key is that of the value the message shows.
				shown := badValue(msg)
				probs[i].Key = cmp.Or(keyAt(root, probs[i].Line, func(v string) bool { return sameShown(v, shown) }),
					keyAt(root, probs[i].Line, func(string) bool { return true }), "yaml")
			}
		}
		return &Error{Problems: probs}
	case err.Error() == "EOF":
		return nil // an empty file is a file of defaults
	default:
		return &Error{Problems: []Problem{yamlProblem(path, err.Error())}}
	}
}

// keyAt returns the dotted path ("channels.0.schedule.min_gap") of the
// first scalar value on line line of the document under n that match
// accepts, or "".
func keyAt(n *yaml.Node, line int, match func(value string) bool) string {
	at := func(v *yaml.Node) bool { return v.Kind == yaml.ScalarNode && v.Line == line && match(v.Value) }
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if k := keyAt(c, line, match); k != "" {
				return k
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if at(v) {
				return k.Value
			}
			if sub := keyAt(v, line, match); sub != "" {
				return k.Value + "." + sub
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if at(c) {
				return strconv.Itoa(i)
			}
			if sub := keyAt(c, line, match); sub != "" {
				return strconv.Itoa(i) + "." + sub
			}
		}
	}
	return ""
}

// badValue returns the value a yaml type error shows ("maybe" of
// "cannot unmarshal !!str `maybe` into bool"; yaml cuts a long one to
// its first 7 bytes and "..."), or "".
func badValue(msg string) string {
	if m := shownValue.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

// sameShown reports whether value is the one yaml showed as shown.
func sameShown(value, shown string) bool {
	if cut, ok := strings.CutSuffix(shown, "..."); ok && len(value) > 10 {
		return strings.HasPrefix(value, cut)
	}
	return value == shown
}

// yamlProblem turns a yaml error message into a Problem with its line.
func yamlProblem(path, msg string) Problem {
	p := Problem{File: path, Key: "yaml", Message: msg}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		p.Message = m[2]
		if strings.Contains(p.Message, "not found in type") {
			key := strings.TrimPrefix(strings.Fields(p.Message)[1], "field ")
			p.Key, p.Message = key, "unknown key; see pressbot.example.yaml for every option"
		}
		if b := notBool.FindStringSubmatch(p.Message); b != nil {
			p.Message = fmt.Sprintf("%q is not true or false: write true or false (or leave the key out for false)", b[1])
		}
	}
	return p
}

// reachable returns addr with an unspecified host (0.0.0.0, ::, none),
// which listens on every interface but cannot be linked to, replaced by
// 127.0.0.1: the default base URL is then at least a working local link.
func reachable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// SetHTTPAddr sets the address serve listens on, and the base URL with it
// when the base URL was derived from the address: serve calls it with the
// address it bound when http.addr asked for any free port (port 0).
func (c *Config) SetHTTPAddr(addr string) {
	c.HTTP.Addr = addr
	if c.Site.BaseURLDerived {
		c.Site.BaseURL = "http://" + reachable(addr)
	}
}

// fillDefaults sets every unset option to its default.
func (c *Config) fillDefaults() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.Office.Zone, DefaultZone)
	def(&c.Office.DefaultLang, DefaultLang)
	def(&c.Office.Name, DefaultOfficeName)
	def(&c.Content.Dir, DefaultContentDir)
	def(&c.Content.Git.Branch, "main")
	def(&c.Content.Git.Dir, ".pressbot/content-git")
	def(&c.Content.Git.Subdir, "content")
	def(&c.DB, DefaultDB)
	def(&c.HTTP.Addr, DefaultHTTPAddr)
	c.Site.BaseURLDerived = c.Site.BaseURL == ""
	def(&c.Site.BaseURL, "http://"+reachable(c.HTTP.Addr))
	c.Site.BaseURL = strings.TrimRight(c.Site.BaseURL, "/")
	def(&c.Site.Title, c.Office.Name)
	def(&c.Log.Format, "auto")
	def(&c.Log.Level, "info")
	def(&c.Approval.Telegram.Mode, "polling")
	if c.Content.Rescan == 0 {
		c.Content.Rescan = Duration(10 * time.Second)
	}
	if c.Content.Git.Interval == 0 {
		c.Content.Git.Interval = Duration(time.Minute)
	}
	if c.Site.PerPage == 0 {
		c.Site.PerPage = 20
	}
	if c.Approval.RequiredApprovals == 0 {
		c.Approval.RequiredApprovals = 1
	}
	c.defaultChannels()
	for i := range c.Channels {
		ch := &c.Channels[i]
		def(&ch.Kind, ch.Name)
		if ch.Kind == "facebook" {
			def(&ch.GraphVersion, DefaultGraphVersion)
		}
	}
}

// defaultChannels configures telegram, facebook and x when the file names
// no channel; with no credentials they publish to the outbox.
func (c *Config) defaultChannels() {
	if len(c.Channels) == 0 {
		c.Channels = []Channel{{Name: "telegram", Kind: "telegram"}, {Name: "facebook", Kind: "facebook"}, {Name: "x", Kind: "x"}}
	}
}

// validate checks every option and returns the problems with their lines.
func (c *Config) validate(lf lineFinder) []Problem {
	var probs []Problem
	bad := func(msg string, path ...any) {
		probs = append(probs, lf.problem(msg, path...))
	}
	if z, err := time.LoadLocation(c.Office.Zone); err != nil {
		bad(fmt.Sprintf("unknown time zone %q; use an IANA name such as Asia/Tashkent", c.Office.Zone), "office", "zone")
	} else {
		c.Zone = z
	}
	if _, err := language.Parse(c.Office.DefaultLang); err != nil {
		bad(fmt.Sprintf("%q is not a BCP 47 language tag; use en, ru, uz or uz-Cyrl", c.Office.DefaultLang), "office", "default_lang")
	}
	seen := map[string]int{}
	for i, l := range c.Site.Languages {
		tag, err := language.Parse(l)
		switch first, twice := seen[strings.ToLower(tag.String())]; {
		case err != nil || strings.Contains(l, "_"):
			bad(fmt.Sprintf("%q is not a BCP 47 language tag; use en, ru, uz or uz-Cyrl", l), "site", "languages", i)
		case twice:
			bad(fmt.Sprintf("%q is listed twice (also as item %d; case does not count): list each language once", l, first+1), "site", "languages", i)
		default:
			c.Site.Languages[i], seen[strings.ToLower(tag.String())] = tag.String(), i
		}
	}
	if !oneOf(c.Log.Format, "auto", "text", "json") {
		bad(fmt.Sprintf("%q: use auto, text or json", c.Log.Format), "log", "format")
	}
	if !oneOf(c.Log.Level, "debug", "info", "warn", "error") {
		bad(fmt.Sprintf("%q: use debug, info, warn or error", c.Log.Level), "log", "level")
	}
	if c.Content.Git.URL != "" {
		if err := gitsync.ValidBranch(c.Content.Git.Branch); err != nil {
			bad(strings.TrimPrefix(err.Error(), "gitsync: "), "content", "git", "branch")
		}
	}
	probs = append(probs, c.validateService(lf)...)
	probs = append(probs, c.validateApproval(lf)...)
	probs = append(probs, c.validateChannels(lf)...)
	return probs
}

// validateApproval checks the approval section.
func (c *Config) validateApproval(lf lineFinder) []Problem {
	var probs []Problem
	a := c.Approval
	bad := func(msg string, path ...any) { probs = append(probs, lf.problem(msg, path...)) }
	if !oneOf(a.Telegram.Mode, "polling", "webhook") {
		bad(fmt.Sprintf("%q: use polling or webhook", a.Telegram.Mode), "approval", "telegram", "mode")
	}
	if a.Telegram.Mode == "webhook" && (a.Telegram.WebhookURL == "" || !a.Telegram.WebhookSecret.Set()) {
		bad("webhook mode needs webhook_url and webhook_secret", "approval", "telegram", "mode")
	}
	if msg := webhookSecretProblem(a.Telegram.WebhookSecret); msg != "" {
		bad(msg, "approval", "telegram", "webhook_secret")
	}
	if a.Telegram.Token.Set() && a.Telegram.ChatID == 0 {
		bad("the approvers' chat id is missing: add the bot to the chat and use its id (e.g. -1001234567890)", "approval", "telegram", "token")
	}
	if a.RequiredApprovals < 1 {
		bad("must be at least 1", "approval", "required_approvals")
	}
	seen := map[int64]bool{}
	for i, u := range a.Users {
		switch {
		case u.ID == 0:
			bad("missing Telegram user id (a number; ask @userinfobot)", "approval", "users", i, "id")
		case seen[u.ID]:
			bad(fmt.Sprintf("user %d is listed twice", u.ID), "approval", "users", i, "id")
		}
		seen[u.ID] = true
		if !oneOf(u.Role, "approver", "viewer") {
			bad(fmt.Sprintf("role %q: use approver or viewer", u.Role), "approval", "users", i, "role")
		}
	}
	for i, r := range a.Rules {
		if r.Tag == "" || r.Required < 1 {
			bad("a rule needs a tag and required >= 1", "approval", "rules", i)
		}
		for j, o := range a.Rules[:i] {
			if release.SameTag(o.Tag, r.Tag) && o.Public != r.Public {
				bad(fmt.Sprintf("tag %q is also in item %d, which says public: %t: say the same on both (public: true publishes the tag, else it stays private)", r.Tag, j+1, o.Public),
					"approval", "rules", i, "public")
			}
		}
	}
	return probs
}

// validateChannels checks the channel list.
func (c *Config) validateChannels(lf lineFinder) []Problem {
	var probs []Problem
	seen := map[string]bool{}
	for i, ch := range c.Channels {
		bad := func(msg string, key string) { probs = append(probs, lf.problem(msg, "channels", i, key)) }
		switch {
		case ch.Name == "":
			bad("every channel needs a name", "name")
		case !validName.MatchString(ch.Name):
			bad(fmt.Sprintf("%q: use lowercase letters, digits, - and _", ch.Name), "name")
		case seen[ch.Name]:
			bad(fmt.Sprintf("channel %q is defined twice", ch.Name), "name")
		}
		seen[ch.Name] = true
		if !oneOf(ch.Kind, "telegram", "facebook", "x") {
			bad(fmt.Sprintf("kind %q: use telegram, facebook or x", ch.Kind), "kind")
		}
		if ch.Thread && ch.Kind != "x" {
			bad("thread applies to x channels only", "thread")
		}
		if miss, key := ch.partialCredentials(); miss != "" && !ch.DryRun {
			bad(miss, key)
		}
		probs = append(probs, scheduleProblems(lf, i, ch.Schedule)...)
		if p, err := ch.Policy(c.Zone); err == nil && len(p.Slots) > 0 {
			if _, err := p.Next(time.Now(), time.Time{}, nil); err != nil {
				probs = append(probs, lf.problem("every slot falls inside the quiet hours, so nothing could be scheduled: move a slot out of them, or narrow the quiet hours", "channels", i, "schedule", "slots"))
			}
		}
	}
	return probs
}

// scheduleProblems checks the slots and quiet hours of channel i, each
// problem at its own key.
func scheduleProblems(lf lineFinder, i int, s Schedule) []Problem {
	var probs []Problem
	if _, err := schedule.ParseSlots(s.Slots); err != nil {
		probs = append(probs, lf.problem(err.Error(), "channels", i, "schedule", "slots"))
	}
	if s.MinGap < 0 {
		probs = append(probs, lf.problem(fmt.Sprintf("%s is negative: use 0 or a duration like 2h", s.MinGap.D()), "channels", i, "schedule", "min_gap"))
	}
	for j, q := range s.Quiet {
		if _, err := schedule.ParseWindow(q); err != nil {
			probs = append(probs, lf.problem(err.Error(), "channels", i, "schedule", "quiet", j))
		}
	}
	return probs
}

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// oneOf reports whether s is one of opts.
func oneOf(s string, opts ...string) bool {
	for _, o := range opts {
		if s == o {
			return true
		}
	}
	return false
}

// lineFinder finds the line of a key path in the parsed YAML, or the
// variable or flag its value came from.
type lineFinder struct {
	file   string
	root   *yaml.Node
	origin map[string]string // key → source, for values not from the file
}

// problem builds a Problem for the key path (strings for map keys, ints for
// sequence indexes), with the line of the deepest node found.
func (lf lineFinder) problem(msg string, path ...any) Problem {
	keys := make([]string, len(path))
	for i, p := range path {
		keys[i] = fmt.Sprint(p)
	}
	p := Problem{File: lf.file, Key: strings.Join(keys, "."), Message: msg}
	if src, ok := lf.origin[p.Key]; ok {
		return Problem{Source: src, Key: p.Key, Message: msg}
	}
	if lf.root == nil || len(lf.root.Content) == 0 {
		return p
	}
	n := lf.root.Content[0]
	p.Line = n.Line
	for _, step := range path {
		next := child(n, step)
		if next == nil {
			break
		}
		n = next
		p.Line = n.Line
	}
	return p
}

// child returns the node under n for a map key or sequence index.
func child(n *yaml.Node, step any) *yaml.Node {
	switch s := step.(type) {
	case int:
		if n.Kind == yaml.SequenceNode && s < len(n.Content) {
			return n.Content[s]
		}
	case string:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == s {
				if n.Content[i+1].Kind == yaml.ScalarNode {
					return n.Content[i] // the key's line
				}
				return n.Content[i+1]
			}
		}
	}
	return nil
}

// cred is one credential of a channel: its key, whether it is set, and
// whether it is a secret.
type cred struct {
	key    string
	set    bool
	secret bool
}

// credentials returns the credentials the channel's kind needs to publish.
func (c Channel) credentials() []cred {
	switch c.Kind {
	case "telegram":
		return []cred{{"token", c.Token.Set(), true}, {"chat_id", c.ChatID != "", false}}
	case "facebook":
		return []cred{{"page_id", c.PageID != "", false}, {"page_token", c.PageToken.Set(), true}, {"app_secret", c.AppSecret.Set(), true}}
	case "x":
		return []cred{{"consumer_key", c.ConsumerKey.Set(), true}, {"consumer_secret", c.ConsumerSecret.Set(), true},
			{"access_token", c.AccessToken.Set(), true}, {"access_secret", c.AccessSecret.Set(), true}}
	}
	return nil
}

// DryRunReason says why the channel publishes to the outbox, and how to
// make it publish for real; "" when it publishes for real.
func (c Channel) DryRunReason() string {
	if c.DryRun {
		return "dry_run: true; remove that line to publish"
	}
	var missing, vars []string
	for _, cr := range c.credentials() {
		if !cr.set {
			missing = append(missing, cr.key)
			vars = append(vars, EnvPrefix+"CHANNEL_"+envName(c.Name)+"_"+strings.ToUpper(cr.key))
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "no " + strings.Join(missing, ", ") + "; set them in the file or as " + strings.Join(vars, ", ") +
		" (secrets also as …_FILE)"
}

// partialCredentials describes secrets given without the rest of what the
// channel needs (it would otherwise fall back to the dry run without
// saying so), or "", and names the key of the first secret given: the
// problem is reported where it came from, a file line or a variable.
// Identifiers alone (chat_id, page_id) are fine: the secrets may be meant
// to come later from the environment.
func (c Channel) partialCredentials() (msg, key string) {
	creds := c.credentials()
	var have, missing []string
	for _, cr := range creds {
		switch {
		case !cr.set:
			missing = append(missing, cr.key)
		case cr.secret && key == "":
			key = cr.key
			fallthrough
		default:
			have = append(have, cr.key)
		}
	}
	if key == "" || len(missing) == 0 {
		return "", ""
	}
	return fmt.Sprintf("%s channel %q has %s but not %s: give all of them to publish, or none (or dry_run: true) for the outbox",
		c.Kind, c.Name, strings.Join(have, ", "), strings.Join(missing, ", ")), key
}
