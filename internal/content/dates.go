package content

import (
	"errors"
	"strings"
	"time"
)

// zonedLayouts are date-time forms that carry their own offset.
var zonedLayouts = []string{
	time.RFC3339, // also accepts fractional seconds
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04Z07:00",
	"2006-01-02 15:04Z07:00",
}

// localLayouts are forms without an offset, read in the configured zone.
var localLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseDate reads s as RFC 3339, or as a date or date-time without offset
// in zone.
func parseDate(s string, zone *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < len("2006-01-02") {
		return time.Time{}, false
	}
	if hasOffset(s) {
		for _, l := range zonedLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t, true
			}
		}
		return time.Time{}, false
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, zone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// dateReason explains why s, written in one of the accepted forms, is
// still not a date, e.g. " (day out of range)" for 2020-02-30; it returns
// "" when s has none of the forms.
func dateReason(s string) string {
	s = strings.TrimSpace(s)
	layouts := localLayouts
	if hasOffset(s) {
		layouts = zonedLayouts
	}
	for _, l := range layouts {
		_, err := time.Parse(l, s)
		var pe *time.ParseError
		if errors.As(err, &pe) && pe.Message != "" {
			return " (" + strings.TrimPrefix(pe.Message, ": ") + ")"
		}
	}
	return ""
}

// hasOffset reports whether a date-time string ends in Z or ±hh:mm.
func hasOffset(s string) bool {
	if len(s) <= 10 {
		return false
	}
	tail := s[10:]
	return strings.HasSuffix(tail, "Z") || strings.HasSuffix(tail, "z") ||
		strings.LastIndexAny(tail, "+-") >= 0
}

// inZone reinterprets a TOML local date or date-time's wall clock in zone.
func inZone(t time.Time, zone *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), zone)
}
