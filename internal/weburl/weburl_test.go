package weburl

import (
	"strings"
	"testing"
)

func TestASCII(t *testing.T) {
	const novosti = "%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8" // новости
	tests := []struct {
		name, in, want, err string
	}{
		{"ASCII as it is", "https://news.example.org/a%2Fb/Press", "https://news.example.org/a%2Fb/Press", ""},
		{"ASCII upper case kept", "https://News.Example.org", "https://News.Example.org", ""},
		{"IDN host and path", "https://пресса.uz/новости", "https://xn--80aj3aega.uz/" + novosti, ""},
		{"IDN host in capitals", "https://ПРЕССА.uz", "https://xn--80aj3aega.uz", ""},
		{"IDN host with a port", "http://пресса.uz:8080/новости", "http://xn--80aj3aega.uz:8080/" + novosti, ""},
		{"punycode host, Unicode path", "https://xn--80aj3aega.uz/новости", "https://xn--80aj3aega.uz/" + novosti, ""},
		{"escapes kept beside new ones", "https://example.org/a%2Fb/новости", "https://example.org/a%2Fb/" + novosti, ""},
		{"space in the path", "https://example.org/press room", "https://example.org/press%20room", ""},
		{"IPv6 host", "http://[::1]:8080/новости", "http://[::1]:8080/" + novosti, ""},
		{"no scheme: left to the caller", "пресса.uz/новости", "пресса.uz/новости", ""},
		{"space in the host", "https://пресса .uz/x", "", `host "пресса .uz" has a space`},
		{"ASCII host with a space", "https://news example.org", "", "has a space"},
		{"label IDNA refuses", "https://-пресса.uz", "", "not a domain name"},
		{"line break", "https://пресса.uz/\nx", "", "control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ASCII(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ASCII(%q) = %q, %v; want an error with %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ASCII(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
