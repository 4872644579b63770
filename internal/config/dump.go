package config

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Dump returns the configuration as YAML with every secret redacted (the
// database URL's password too), as `pressbot config` prints it. A
// channel's dry_run is shown as the file or environment set it, so that
// the dump can be used as a configuration again; Channel.DryRunReason says
// why a channel without credentials is a dry run all the same. Options
// not set are left out.
func (c *Config) Dump() ([]byte, error) {
	shown := *c
	shown.DB = redactDSN(c.DB)
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
