package main

import (
	"bytes"
	"regexp"
	"testing"
	"time"
)

// TestLoggerWritesOfficeZone checks that the log writes its times, its
// own and those of attributes, in the office zone with the offset.
func TestLoggerWritesOfficeZone(t *testing.T) {
	zone, err := time.LoadLocation("Asia/Tashkent")
	if err != nil {
		t.Skip(err)
	}
	at := time.Date(2026, 11, 28, 5, 0, 0, 0, time.UTC)
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			log, err := newLogger(&buf, format, "info", zone)
			if err != nil {
				t.Fatal(err)
			}
			log.Info("scheduled", "at", at)
			out := buf.String()
			if !regexp.MustCompile(`time="?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+05:00|"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+05:00"`).MatchString(out) {
				t.Errorf("log time not in the office zone:\n%s", out)
			}
			if !regexp.MustCompile(`2026-11-28T10:00:00(\.000)?\+05:00`).MatchString(out) {
				t.Errorf("attribute time not in the office zone:\n%s", out)
			}
		})
	}
}
