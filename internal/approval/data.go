package approval

import (
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MaxCallbackData is Telegram's limit on an inline button's callback_data,
// in bytes (https://core.telegram.org/bots/api#inlinekeyboardbutton).
const MaxCallbackData = 64

// Button actions, the first field of callback data.
const (
	actApprove   = "ap" // approve at the proposed slot: lang, mask
	actNow       = "pn" // approve (or reschedule) for now: lang, mask
	actTimes     = "ct" // show the slot choices: lang, mask
	actAt        = "at" // approve at a chosen slot: lang, mask, time
	actChannels  = "ch" // show the channel toggles: lang, mask
	actToggle    = "tg" // toggle a channel (new mask): lang, mask
	actBack      = "bk" // back to the main buttons: lang, mask
	actReject    = "rj" // ask for a reason: lang
	actCancel    = "cx" // cancel an approval: lang
	actRetry     = "rt" // retry a failed or uncertain post: channel
	actMark      = "mp" // mark a failed or uncertain post as published: channel
	actSkip      = "sk" // give up a failed or uncertain post: channel
	actUpdate    = "up" // edit the published posts to the new version
	actKeep      = "kp" // keep the published posts as they are
	actDelete    = "dl" // try deleting a withdrawn post again: channel
	actByHand    = "dh" // record a withdrawn post deleted by hand: channel
	allLanguages = "*"
)

// data is the parsed callback_data of a button: an action, the short id of
// the card or release it acts on, the short hash of the content it was
// shown for, and action arguments. It is opaque to Telegram and never holds
// a release id: the id is resolved on our side.
type data struct {
	Act  string
	ID   string // shortID of a card key
	Hash string // shortHash of what the button was shown for
	Args []string
}

// String encodes d as "act:id:hash[:arg...]".
func (d data) String() string {
	return strings.Join(append([]string{d.Act, d.ID, d.Hash}, d.Args...), ":")
}

// errBadData is returned by parseData for data we never send.
var errBadData = errors.New("approval: unknown button data")

// parseData decodes callback data made by data.String.
func parseData(s string) (data, error) {
	if len(s) > MaxCallbackData {
		return data{}, errBadData
	}
	f := strings.Split(s, ":")
	if len(f) < 3 || len(f[0]) != 2 || f[1] == "" || f[2] == "" {
		return data{}, errBadData
	}
	return data{Act: f[0], ID: f[1], Hash: f[2], Args: f[3:]}, nil
}

// arg returns argument i, or "".
func (d data) arg(i int) string {
	if i < len(d.Args) {
		return d.Args[i]
	}
	return ""
}

var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// digest returns n base32 characters of SHA-256 over parts joined by NUL.
func digest(n int, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return b32.EncodeToString(h[:])[:n]
}

// shortID is the 10-character id of a card key in button data (50 bits).
func shortID(key string) string { return digest(10, key) }

// cardKey names the card a release is shown on: its translation group, or
// the release alone.
func cardKey(id, translationKey string) string {
	if translationKey != "" {
		return "k:" + translationKey
	}
	return "r:" + id
}

// releaseKey names one release (alerts about its posts).
func releaseKey(id string) string { return "r:" + id }

// member is what a short hash covers: one release's id and content hash.
type member struct{ ID, Hash string }

// shortHash is the 8-character hash of a card's content: any change to
// any release on it, or to the set of releases, changes it.
func shortHash(ms []member) string {
	ms = append([]member(nil), ms...)
	sort.Slice(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
	parts := make([]string, 0, 2*len(ms))
	for _, m := range ms {
		parts = append(parts, m.ID, m.Hash)
	}
	return digest(8, parts...)
}

// postHash is the short hash of one post for alert buttons.
func postHash(id, channel, hash string) string { return digest(8, id, channel, hash) }

// encodeMask writes a channel bitmask in base 36; decodeMask reads it, and
// returns all (every channel) for "" or garbage.
func encodeMask(m uint64) string { return strconv.FormatUint(m, 36) }

func decodeMask(s string, all uint64) uint64 {
	m, err := strconv.ParseUint(s, 36, 64)
	if err != nil {
		return all
	}
	return m & all
}

// encodeTime writes a slot as Unix minutes in base 36; decodeTime reads it.
func encodeTime(t time.Time) string { return strconv.FormatInt(t.Unix()/60, 36) }

func decodeTime(s string) (time.Time, bool) {
	m, err := strconv.ParseInt(s, 36, 64)
	if err != nil || m <= 0 {
		return time.Time{}, false
	}
	return time.Unix(m*60, 0).UTC(), true
}
