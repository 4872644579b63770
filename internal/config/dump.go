package config

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Dump returns the configuration as YAML with every secret redacted (the
// database URL's password too), as `pressbot config` prints it. A
// channel's dry_run is what serve does: true also for a channel without
// its credentials; options not set are left out.
func (c *Config) Dump() ([]byte, error) {
	shown := *c
	shown.DB = redactDSN(c.DB)
	shown.Channels = make([]Channel, len(c.Channels))
	for i, ch := range c.Channels {
		ch.DryRun = ch.Outbox()
		shown.Channels[i] = ch
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&shown); err != nil {
		return nil, fmt.Errorf("config: dump: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("config: dump: %w", err)
	}
	return buf.Bytes(), nil
}
