// Package weburl writes a web address the way feeds, sitemaps and HTTP
// headers must carry it: in ASCII. Editors write the newsroom's address
// as a browser shows it (https://пресса.uz/новости); ASCII gives the form
// that every link, feed id and sitemap entry uses
// (https://xn--80aj3aega.uz/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8).
package weburl

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/idna"
)

// ASCII returns the absolute URL s ("scheme://host/path") in ASCII: a host
// with non-ASCII letters in punycode, as browsers look it up (IDNA 2008
// with UTS #46 mapping, so "ПРЕССА.uz" and "пресса.uz" give one host), and
// every non-ASCII byte and space after the host percent-escaped in
// upper-case hex. A URL that is ASCII without spaces is returned as it is;
// so is one without "://", which is no absolute URL to convert. It fails
// for a control character and for a host that is not a domain name (a
// space in it, a label that IDNA refuses).
func ASCII(s string) (string, error) {
	if !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return s, nil
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return "", errors.New("weburl: the URL has a control character (a line break or tab?)")
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s, nil
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	auth, err := asciiAuthority(rest[:end])
	if err != nil {
		return "", err
	}
	return scheme + "://" + auth + escape(rest[end:]), nil
}

// asciiAuthority returns the authority ("user@host:port") with the host
// in punycode, when it has non-ASCII letters.
func asciiAuthority(auth string) (string, error) {
	at := strings.LastIndexByte(auth, '@') + 1
	host, port := auth[at:], ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host, port = host[:i], host[i:]
	}
	if strings.ContainsRune(host, ' ') {
		return "", fmt.Errorf("weburl: host %q has a space", host)
	}
	if !strings.ContainsFunc(host, func(r rune) bool { return r >= 0x7f }) {
		return escape(auth[:at]) + host + port, nil
	}
	a, err := idna.Lookup.ToASCII(host)
	if err != nil {
		return "", fmt.Errorf("weburl: host %q is not a domain name: %w", host, err)
	}
	return escape(auth[:at]) + a + port, nil
}

// escape percent-escapes the non-ASCII bytes and spaces of s and keeps
// the rest, escapes included.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x80 {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
