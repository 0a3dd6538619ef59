package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDispatch(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope.json")
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"transport": "udp", "ip": "127.0.0.1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring expected on stdout
		stderr string // substring expected on stderr
	}{
		{"no arguments", nil, 2, "", "usage: gograd COMMAND"},
		{"version", []string{"version"}, 0, "gograd " + version, ""},
		{"--version", []string{"--version"}, 0, "gograd " + version, ""},
		{"version with an argument", []string{"version", "x"}, 2, "", "takes no arguments"},
		{"help", []string{"help"}, 0, "kernel", ""},
		{"-h", []string{"-h"}, 0, "commands:", ""},
		{"help kernel", []string{"help", "kernel"}, 0, "--connection-file", ""},
		{"help kernel shows its flags", []string{"help", "kernel"}, 0, "flags:\n  -connection-file string\n    \tpath of the Jupyter connection file (JSON)\n", ""},
		{"help run shows its flags", []string{"help", "run"}, 0, "\n\nflags:\n  -allow-errors\n    \trun every cell even after one fails (exit status 0)\n", ""},
		{"help run shows every flag", []string{"help", "run"}, 0, "  -timeout D\n    \tinterrupt a cell that runs longer than D (e.g. 5m; 0 = no limit)\n", ""},
		{"help install shows its flags", []string{"help", "install"}, 0, "flags:\n  -display-name string\n", ""},
		{"kernel -h", []string{"kernel", "-h"}, 0, "", "usage: gograd kernel --connection-file FILE"},
		{"install -h", []string{"install", "-h"}, 0, "", "usage: gograd install [--user"},
		{"help unknown", []string{"help", "frob"}, 2, "", `unknown command "frob"`},
		{"unknown command", []string{"frob"}, 2, "", `unknown command "frob"`},
		{"kernel without a file", []string{"kernel"}, 2, "", "--connection-file is required"},
		{"kernel with a stray argument", []string{"kernel", "--connection-file", "f", "extra"}, 2, "", `unexpected argument "extra"`},
		{"kernel with a bad flag", []string{"kernel", "--bogus"}, 2, "", "bogus"},
		{"kernel with a missing file", []string{"kernel", "--connection-file", missing}, 1, "", "nope.json"},
		{"kernel with a bad file", []string{"kernel", "--connection-file", bad}, 1, "", `transport "udp"`},
		{"kernel with a bad log level", []string{"kernel", "--connection-file", bad, "--log-level", "loud"}, 2, "", `log level "loud"`},
		{"kernel with a bad message size", []string{"kernel", "--connection-file", bad, "--max-message-size", "huge"}, 2, "", `--max-message-size: size "huge"`},
		{"kernel with an unwritable log file", []string{"kernel", "--connection-file", bad, "--log-file", filepath.Join(missing, "log")}, 1, "", "--log-file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := dispatch(tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tc.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q, want it to contain %q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q, want it to contain %q", stderr.String(), tc.stderr)
			}
		})
	}
}

func TestLogLevelFor(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		flag          string
		debug, toFile bool
		want          slog.Level
	}{
		{"", false, false, slog.LevelWarn},
		{"", false, true, slog.LevelInfo},
		{"", true, false, slog.LevelDebug},
		{"error", true, true, slog.LevelError},
		{"INFO", false, false, slog.LevelInfo},
		{"warning", false, true, slog.LevelWarn},
	} {
		got, err := logLevelFor(c.flag, c.debug, c.toFile)
		if err != nil || got != c.want {
			t.Errorf("logLevelFor(%q, %v, %v) = %v, %v; want %v", c.flag, c.debug, c.toFile, got, err, c.want)
		}
	}
}
