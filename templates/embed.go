// Package templates embeds the Go templates that editors of an office may
// restyle without touching Go: channel wrappers (templates/channel) and the
// public newsroom (templates/site).
package templates

import "embed"

// FS holds every template, under "channel/" and "site/".
//
//go:embed channel site
var FS embed.FS
