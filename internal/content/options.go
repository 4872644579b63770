package content

import (
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
)

// DefaultZone is the zone for dates written without an offset when Options
// does not name one.
const DefaultZone = "Asia/Tashkent"

// DefaultChannels are the channel names when none are configured.
var DefaultChannels = []string{"telegram", "facebook", "x"}

// Options configures the loader.
type Options struct {
	// Zone is the time zone for dates without an offset; nil means
	// Asia/Tashkent.
	Zone *time.Location
	// DefaultLang is the language of a release without lang; "" means "en".
	DefaultLang string
	// Channels are the configured channel names; nil means DefaultChannels.
	Channels []string
	// ImageDir is the folder a local image (image: path) is found in, the
	// content folder. When set, a local image that is not there, or that
	// the newsroom build would leave out (a symbolic link that leads out
	// of the folder, a named pipe, a file it cannot open), is a warning,
	// and the bytes of one that is are hashed (ImageDigest); "" checks
	// nothing.
	ImageDir string
	// NoImageDigest leaves pictures unread (ImageDigest empty) while
	// ImageDir still checks that they are there and can be opened: for
	// check, which shows no hash and should stay fast on a folder of
	// large pictures.
	NoImageDigest bool
	// NoHash leaves Release.Hash empty, for a caller that shows no hash
	// (build without -posts): hashing every body costs about a fifth of
	// a load's CPU. ImageDigest is still set (content.Hash(r) gives the
	// hash later).
	NoHash bool
	// TranslationHeld, when set, returns a release other than id that
	// already holds translation_key key in lang in pressbot's database
	// (""when none does): serve and approve refuse a new file that claims
	// the language version of a release already under way or published.
	TranslationHeld func(id, key, lang string) string
}

// tashkent loads Asia/Tashkent once; without a zone database it falls back
// to its fixed offset (UTC+5, no daylight saving since 1992).
var tashkent = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation(DefaultZone); err == nil {
		return loc
	}
	return time.FixedZone(DefaultZone, 5*60*60)
})

// settings are Options with the defaults applied, computed once per load.
type settings struct {
	zone        *time.Location
	lang        string
	channels    map[string]bool
	channelList string // for messages: "telegram, facebook, x"
	names       []string
	imageDir    string
	noDigest    bool
	noHash      bool
	held        func(id, key, lang string) string

	// langTags caches langTag's answers: a corpus uses a few lang values.
	langMu   sync.Mutex
	langTags map[string]string
}

// maxLangTags bounds the langTag cache.
const maxLangTags = 64

// langTag returns the canonical BCP 47 tag for lang value v, and false when
// v is not a tag or uses '_'.
func (s *settings) langTag(v string) (string, bool) {
	s.langMu.Lock()
	t, hit := s.langTags[v]
	s.langMu.Unlock()
	if hit {
		return t, t != ""
	}
	if tag, err := language.Parse(v); err == nil && strings.IndexByte(v, '_') < 0 {
		t = tag.String()
	}
	s.langMu.Lock()
	if len(s.langTags) < maxLangTags {
		if s.langTags == nil {
			s.langTags = make(map[string]string)
		}
		s.langTags[strings.Clone(v)] = t
	}
	s.langMu.Unlock()
	return t, t != ""
}

// resolve applies the defaults to o.
func (o Options) resolve() *settings {
	s := &settings{zone: o.Zone, lang: o.DefaultLang, names: o.Channels, imageDir: o.ImageDir, noDigest: o.NoImageDigest, noHash: o.NoHash, held: o.TranslationHeld}
	if s.zone == nil {
		s.zone = tashkent()
	}
	if s.lang == "" {
		s.lang = "en"
	}
	if s.names == nil {
		s.names = DefaultChannels
	}
	s.channels = make(map[string]bool, len(s.names))
	for _, c := range s.names {
		s.channels[c] = true
	}
	s.channelList = strings.Join(s.names, ", ")
	return s
}
