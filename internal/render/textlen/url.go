package textlen

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// This file finds URLs the way twitter-text's extractor does (its
// extractUrl regular expression and extractUrlsWithIndices), written as a
// scanner: a URL is an optional http:// or https://, a domain that ends in
// a known top-level domain, an optional port, path and query. Without a
// scheme only ASCII (and Latin accented) domains count, and a bare
// "name.cc" with a country TLD counts only with a path (or as .co or .tv).

// maxURLLength is the longest URL the X backend accepts (with its scheme).
const maxURLLength = 4096

// maxHostLength bounds the dotted runs examined as hosts (DNS allows 253
// characters); longer runs count as plain text, which keeps scanning linear.
const maxHostLength = 256

// span is a half-open byte range.
type span struct{ start, end int }

// urlMatch is one match of the URL pattern.
type urlMatch struct {
	end      int  // byte offset after the URL
	domEnd   int  // byte offset after the domain
	scheme   bool // http:// or https:// present
	hasPath  bool
	domStart int
	short    bool // the domain is one label and a ccTLD
	tooLong  bool // a dotted run longer than any host: matched, never a URL
}

// domainStatus is the outcome of matchDomain.
type domainStatus int

const (
	noHost      domainStatus = iota // no domain here
	hostFound                       // a domain with a known TLD
	hostTooLong                     // a run of labels longer than maxHostLength
)

// findURLs returns the byte spans of the URLs twitter-text counts in s.
func findURLs(s string) []span {
	if !mayHoldURL(s) {
		return nil
	}
	var out []span
	runEnd := 0 // see noURLAt
	for j := 0; j < len(s); {
		if c := s[j]; j > 0 && c < utf8.RuneSelf && (isASCIIAlnum(rune(c)) ||
			j+1 < len(s) && s[j+1] < utf8.RuneSelf && !startsURL[s[j+1]]) {
			// No URL starts after an ASCII letter or digit (validBefore),
			// nor at ASCII other than those and '-' and '_' (mayStartURL):
			// the usual case, settled without decoding a rune.
			j++
			continue
		}
		before, w := decodeRune(s, j)
		m, ok := urlMatch{}, false
		if validBefore(before) && mayStartURL(s, j+w) && !noURLAt(s, j+w, &runEnd) {
			m, ok = matchURL(s, j+w)
		}
		start := j + w
		if !ok && j == 0 && mayStartURL(s, 0) && !noURLAt(s, 0, &runEnd) {
			before, start = 0, 0
			m, ok = matchURL(s, 0)
		}
		if !ok {
			j += w
			continue
		}
		if sp, keep := acceptURL(s, start, before, m); keep {
			out = append(out, sp)
		}
		j = m.end
	}
	return out
}

// noURLAt reports that matchURL cannot match at s[p:] because no scheme
// starts there and the run of domain-label characters from p is not
// followed by '.' (so it is no domain; a run too long for a host is none
// either). *runEnd remembers where the last such run ends: every later
// position inside it is answered without looking again, which keeps the
// scan of a long hyphenated slug linear.
func noURLAt(s string, p int, runEnd *int) bool {
	if schemeLen(s[p:]) > 0 {
		return false
	}
	if p < *runEnd {
		return true
	}
	e := p
	for e < len(s) {
		r, w := decodeRune(s, e)
		if !isURLChar(r) && r != '-' && r != '_' {
			break
		}
		e += w
	}
	if e < len(s) && s[e] == '.' && e-p <= maxHostLength {
		return false
	}
	*runEnd = e
	return true
}

// mayHoldURL reports whether s could hold a URL at all: every URL has a
// domain, so a '.' followed by the first character of a top-level domain
// (an ASCII letter or digit, or a letter of another script). Sentences
// whose only dots end them are spared the scan.
func mayHoldURL(s string) bool {
	for i := strings.IndexByte(s, '.'); i >= 0 && i+1 < len(s); {
		if c := s[i+1]; c >= utf8.RuneSelf || isASCIIAlnum(rune(c)) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '.')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// acceptURL applies the checks twitter-text makes after a match and
// returns the span that counts as the URL.
func acceptURL(s string, start int, before rune, m urlMatch) (span, bool) {
	if m.tooLong {
		return span{}, false
	}
	if !validHost(s[m.domStart:m.domEnd], m.end-start, m.scheme) {
		return span{}, false
	}
	if m.scheme {
		return span{start, m.end}, true
	}
	if strings.ContainsRune("-_./", before) && before != 0 {
		return span{}, false
	}
	if !m.hasPath {
		if m.short && !specialShortDomain(s[m.domStart:m.domEnd]) {
			return span{}, false
		}
		return span{start, m.domEnd}, true
	}
	return span{start, m.end}, true
}

// mayStartURL reports whether matchURL could match at s[p:]: a URL starts
// with its scheme (a letter) or a domain label (ASCII letters and digits,
// Latin accents, '-' and '_'). It spares the matcher most positions.
func mayStartURL(s string, p int) bool {
	if p >= len(s) {
		return false
	}
	if c := s[p]; c < utf8.RuneSelf {
		return isASCIIAlnum(rune(c)) || c == '-' || c == '_'
	}
	r, _ := decodeRune(s, p)
	return isLatinAccent(r)
}

// decodeRune is utf8.DecodeRuneInString(s[i:]) with the one- and two-byte
// sequences of Latin and Cyrillic text decoded in line.
func decodeRune(s string, i int) (rune, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	if c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	}
	return utf8.DecodeRuneInString(s[i:])
}

// validBefore reports whether r may precede a URL.
func validBefore(r rune) bool {
	switch r {
	case '@', '＠', '$', '#', '＃', 0xFFFE, 0xFEFF, 0xFFFF:
		return false
	}
	return !isASCIIAlnum(r)
}

// matchURL matches the URL pattern at s[p:].
func matchURL(s string, p int) (urlMatch, bool) {
	m := urlMatch{domStart: p}
	if n := schemeLen(s[p:]); n > 0 {
		m.scheme, m.domStart = true, p+n
	}
	end, short, st := matchDomain(s, m.domStart, m.scheme)
	switch st {
	case noHost:
		return m, false
	case hostTooLong:
		m.end, m.tooLong = end, true
		return m, true
	}
	m.domEnd, m.short = end, short
	end = matchPort(s, end)
	if end < len(s) && s[end] == '/' {
		m.hasPath = true
		end = matchPath(s, end+1)
	}
	if end < len(s) && s[end] == '?' {
		end = matchQuery(s, end)
	}
	m.end = end
	return m, true
}

// schemeLen returns the length of a leading http:// or https://, any case.
func schemeLen(s string) int {
	if len(s) < len("http://") || s[0]|0x20 != 'h' {
		return 0
	}
	for _, p := range []string{"https://", "http://"} {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return len(p)
		}
	}
	return 0
}

// matchDomain matches subdomains, a domain name and a TLD at s[p:]; with a
// scheme it also accepts one label of any letters before the TLD. short
// reports a lone domain name with a country-code TLD.
func matchDomain(s string, p int, scheme bool) (end int, short bool, st domainStatus) {
	// Labels of ASCII letters, digits, Latin accents, '-' and '_', each followed by '.'.
	var startsBuf [8]int
	starts := startsBuf[:0]
	for i := p; ; {
		j := i
		for j < len(s) {
			r, w := utf8.DecodeRuneInString(s[j:])
			if !isURLChar(r) && r != '-' && r != '_' {
				break
			}
			j += w
		}
		if j-p > maxHostLength {
			// No host is this long: the whole dotted run is no URL.
			return j, false, hostTooLong
		}
		if j == i || j >= len(s) || s[j] != '.' {
			break
		}
		starts = append(starts, i)
		i = j + 1
	}
	if len(starts) == 0 {
		if scheme {
			return matchUnicodeDomain(s, p)
		}
		return 0, false, noHost
	}
	subOK := true // the labels before the k-th are valid subdomains
	var validBuf [9]bool
	var valid []bool
	if n := len(starts) + 1; n <= len(validBuf) {
		valid = validBuf[:n]
	} else {
		valid = make([]bool, n)
	}
	for k := 1; k <= len(starts); k++ {
		l := s[starts[k-1]:labelEnd(s, starts[k-1])]
		valid[k] = subOK && validLabel(l, false)
		subOK = subOK && validLabel(l, true)
	}
	for k := len(starts); k >= 1; k-- {
		if !valid[k] {
			continue
		}
		tldStart := labelEnd(s, starts[k-1]) + 1
		if n, cc := matchTLD(s[tldStart:]); n > 0 {
			return tldStart + n, k == 1 && cc, hostFound
		}
	}
	if scheme {
		return matchUnicodeDomain(s, p)
	}
	return 0, false, noHost
}

// labelEnd returns the offset of the '.' that ends the label at i.
func labelEnd(s string, i int) int {
	return i + strings.IndexByte(s[i:], '.')
}

// validLabel reports whether l may be a domain label: it neither starts nor
// ends with '-' or '_', and holds '_' only if it is a subdomain.
func validLabel(l string, sub bool) bool {
	if strings.HasPrefix(l, "-") || strings.HasPrefix(l, "_") ||
		strings.HasSuffix(l, "-") || strings.HasSuffix(l, "_") {
		return false
	}
	return sub || !strings.Contains(l, "_")
}

// matchUnicodeDomain matches one label of any letters and a TLD (only after
// a scheme, like "http://☃.net").
func matchUnicodeDomain(s string, p int) (int, bool, domainStatus) {
	j := p
	for j < len(s) {
		r, w := utf8.DecodeRuneInString(s[j:])
		if !isUnicodeDomainChar(r) && r != '-' {
			break
		}
		j += w
	}
	l := s[p:j]
	if l == "" || j >= len(s) || s[j] != '.' || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
		return 0, false, noHost
	}
	n, _ := matchTLD(s[j+1:])
	if n == 0 || strings.HasPrefix(strings.ToLower(s[j+1:]), "xn--") {
		return 0, false, noHost
	}
	return j + 1 + n, false, hostFound
}

// matchTLD returns the length of a top-level domain at the start of s and
// whether it is a country code; 0 when there is none. A TLD must not be
// followed by a letter, digit, '@', '+' or '-'. Known TLDs are the ICANN
// section of the Public Suffix List; "xn--" labels count as TLDs as well.
func matchTLD(s string) (int, bool) {
	if len(s) > 4 && strings.EqualFold(s[:4], "xn--") {
		n := 4
		for n < len(s) && (isASCIIAlnum(rune(s[n])) || s[n] == '-') {
			n++
		}
		return n, false
	}
	n := 0
	for n < len(s) && isASCIIAlnum(rune(s[n])) {
		n++
	}
	if n == 0 {
		// A TLD in another script, like .рф or .پاکستان.
		for n < len(s) {
			r, w := utf8.DecodeRuneInString(s[n:])
			if r < utf8.RuneSelf || !(unicode.IsLetter(r) || unicode.IsMark(r)) {
				break
			}
			n += w
		}
	}
	if n == 0 || !tldEnds(s[n:]) || !isTLD(s[:n]) {
		return 0, false
	}
	return n, n == 2 || s[0] >= utf8.RuneSelf
}

// tldEnds reports whether what follows a TLD lets it end there.
func tldEnds(rest string) bool {
	if rest == "" {
		return true
	}
	c := rest[0]
	return !isASCIIAlnum(rune(c)) && c != '@' && c != '+' && c != '-'
}

// tldMemo remembers isTLD for short labels: a text holds the same few
// candidates ("org", "uz", a port's digits) over and over, and the Public
// Suffix List lookup is the dearest step of weighing a post.
var tldMemo struct {
	sync.RWMutex
	m map[string]bool
}

// tldMemoMax bounds tldMemo; further labels are looked up every time.
const tldMemoMax = 4096

// isTLD reports whether label is a top-level domain in the ICANN section
// of the Public Suffix List.
func isTLD(label string) bool {
	if strings.TrimLeft(label, "0123456789") == "" {
		return false // no top-level domain is all digits (RFC 3696, 2)
	}
	if len(label) > 24 {
		return lookUpTLD(label)
	}
	tldMemo.RLock()
	v, ok := tldMemo.m[label]
	tldMemo.RUnlock()
	if ok {
		return v
	}
	v = lookUpTLD(label)
	tldMemo.Lock()
	if tldMemo.m == nil {
		tldMemo.m = make(map[string]bool)
	}
	if len(tldMemo.m) < tldMemoMax {
		tldMemo.m[strings.Clone(label)] = v
	}
	tldMemo.Unlock()
	return v
}

// lookUpTLD is isTLD without the memo.
func lookUpTLD(label string) bool {
	l, err := idna.Punycode.ToASCII(strings.ToLower(label))
	if err != nil || l == "" {
		return false
	}
	suffix, icann := publicsuffix.PublicSuffix("a." + l)
	return icann && (suffix == l || suffix == "a."+l)
}

// specialShortDomain reports whether a lone "name.cc" still counts as a URL
// without a scheme (twitter-text allows .co and .tv, as in t.co).
func specialShortDomain(domain string) bool {
	d := strings.ToLower(domain)
	return strings.HasSuffix(d, ".co") || strings.HasSuffix(d, ".tv")
}

// validHost converts the host to punycode as twitter-text does (IDNA, each
// label 1–63 characters) and checks the URL's length with its scheme.
func validHost(host string, urlLen int, scheme bool) bool {
	ascii, err := idna.Punycode.ToASCII(host)
	if err != nil || ascii == "" {
		return false
	}
	for _, l := range strings.Split(ascii, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
	}
	n := urlLen + len(ascii) - len(host)
	if !scheme {
		n += len("https://")
	}
	return n <= maxURLLength
}

// matchPort skips ":digits" at s[p:].
func matchPort(s string, p int) int {
	if p+1 < len(s) && s[p] == ':' && isDigit(s[p+1]) {
		p += 2
		for p < len(s) && isDigit(s[p]) {
			p++
		}
	}
	return p
}

// matchPath returns the end of the path that starts at s[p:] (after '/'):
// the longest run of path characters and balanced parentheses that ends in
// a character that may end a path (so a trailing '.' or ',' stays out).
func matchPath(s string, p int) int {
	end := p
	for i := p; i < len(s); {
		r, w := decodeRune(s, i)
		if r == '(' {
			n := balancedParens(s[i:])
			if n == 0 {
				break
			}
			i += n
			end = i
			continue
		}
		if !isPathChar(r) {
			break
		}
		i += w
		if isPathEndChar(r) {
			end = i
		}
	}
	return end
}

// balancedParens returns the length of "(…)" with up to one nested pair of
// parentheses and at least one path character inside, or 0.
func balancedParens(s string) int {
	depth, inner := 0, 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '(':
			depth++
			if depth > 2 {
				return 0
			}
			inner = 0
		case r == ')':
			if inner == 0 {
				return 0
			}
			depth--
			if depth == 0 {
				return i + w
			}
		case isPathChar(r):
			inner++
		default:
			return 0
		}
		i += w
	}
	return 0
}

// matchQuery returns the end of a query string at s[p:] ('?' first), or p
// when no query character that may end one follows.
func matchQuery(s string, p int) int {
	end := p
	for i := p + 1; i < len(s); i++ {
		c := s[i]
		if !isQueryChar(c) {
			break
		}
		if c < utf8.RuneSelf && asciiClass[c]&queryEnd != 0 {
			end = i + 1
		}
	}
	return end
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// isLatinAccent reports the accented Latin letters and marks twitter-text
// allows in domains and paths.
func isLatinAccent(r rune) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x24F,
		r == 0x253, r == 0x254, r == 0x256, r == 0x257, r == 0x259, r == 0x25B,
		r == 0x263, r == 0x268, r == 0x26F, r == 0x272, r == 0x289, r == 0x28B,
		r == 0x2BB, r >= 0x300 && r <= 0x36F, r >= 0x1E00 && r <= 0x1EFF:
		return true
	}
	return false
}

// isURLChar reports a character of an ASCII (or Latin accented) domain label.
func isURLChar(r rune) bool { return isASCIIAlnum(r) || isLatinAccent(r) }

// isUnicodeDomainChar reports a character of a domain label in any script:
// not ASCII punctuation, not a space or separator, not General Punctuation.
func isUnicodeDomainChar(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(r)
	}
	return !unicode.IsSpace(r) && !unicode.Is(unicode.Z, r) && !(r >= 0x2000 && r <= 0x206F) && r != utf8.RuneError
}

// isPathChar reports a character allowed anywhere in a URL path.
func isPathChar(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&pathChar != 0
	}
	return isLatinAccent(r) || r >= 0x400 && r <= 0x4FF || r == '–'
}

// isPathEndChar reports a character a URL path may end with.
func isPathEndChar(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&pathEnd != 0
	}
	return isLatinAccent(r) || r >= 0x400 && r <= 0x4FF
}

// isQueryChar reports a character allowed in a query string.
func isQueryChar(c byte) bool {
	return c < utf8.RuneSelf && asciiClass[c]&queryChar != 0
}

// startsURL marks the ASCII characters mayStartURL accepts.
var startsURL = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = isASCIIAlnum(rune(c)) || c == '-' || c == '_'
	}
	return t
}()

// Classes of ASCII characters in URL paths and queries: each holds the
// letters and digits and the punctuation listed in asciiClass.
const (
	pathChar = 1 << iota
	pathEnd
	queryChar
	queryEnd
)

// asciiClass holds the classes of each ASCII character (a table where
// the matchers ran strings.ContainsRune on every character of a URL).
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range utf8.RuneSelf {
		if isASCIIAlnum(rune(c)) {
			t[c] = pathChar | pathEnd | queryChar | queryEnd
		}
	}
	for cls, punct := range map[uint8]string{
		pathChar:  "!*';:=+,.$/%#[]-_~|&@",
		pathEnd:   "=_#/-+",
		queryChar: "!?*'();:&=+$/%#[]-_.,~|@",
		queryEnd:  "-_&=#/",
	} {
		for _, c := range []byte(punct) {
			t[c] |= cls
		}
	}
	return t
}()
