package config

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestExampleIsValidAndComplete loads pressbot.example.yaml and checks that
// every option of Config appears in it, so the example stays the reference.
func TestExampleIsValidAndComplete(t *testing.T) {
	const path = "../../pressbot.example.yaml"
	c, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Channels) != 3 || c.Approval.Rules[0].Required != 2 {
		t.Errorf("example read wrong: %d channels, rules %+v", len(c.Channels), c.Approval.Rules)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range yamlKeys(reflect.TypeFor[Config]()) {
		if !strings.Contains(string(data), key+":") {
			t.Errorf("pressbot.example.yaml lacks the option %q", key)
		}
	}
}

// yamlKeys lists the yaml keys of t's fields, recursively.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		keys = append(keys, tag)
		ft := f.Type
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			keys = append(keys, yamlKeys(ft)...)
		}
	}
	return keys
}
