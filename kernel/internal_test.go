package kernel

import (
	"strings"
	"testing"
)

func TestParseConnectionInfo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		json    string
		wantErr string // substring; "" for success
		check   func(ConnectionInfo) bool
	}{
		{"jupyter's file", `{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5,
			"ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "gograd"}`, "",
			func(ci ConnectionInfo) bool { return ci.Endpoint(ci.ShellPort) == "tcp://127.0.0.1:1" }},
		{"defaults", `{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "ip": "::1"}`, "",
			func(ci ConnectionInfo) bool {
				return ci.Transport == "tcp" && ci.SignatureScheme == "hmac-sha256" && ci.Endpoint(5) == "tcp://[::1]:5"
			}},
		{"ipc", `{"transport": "ipc", "ip": "/tmp/k", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}`, "",
			func(ci ConnectionInfo) bool { return ci.Endpoint(3) == "ipc:///tmp/k-3" }},
		{"not JSON", `shell_port=1`, "invalid character", nil},
		{"port is a string", `{"shell_port": "1", "ip": "127.0.0.1"}`, "shell_port", nil},
		{"no ip", `{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}`, "ip is missing", nil},
		{"bad transport", `{"transport": "udp", "ip": "x", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}`, `transport "udp"`, nil},
		{"bad scheme", `{"signature_scheme": "hmac-md5", "ip": "x", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}`, "hmac-md5", nil},
		{"port out of range", `{"ip": "x", "shell_port": 70000, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}`, "shell_port 70000", nil},
		{"duplicate ports", `{"ip": "x", "shell_port": 7, "iopub_port": 7, "stdin_port": 3, "control_port": 4, "hb_port": 5}`, "both 7", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ci, err := ParseConnectionInfo([]byte(tc.json))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("got error %v", err)
				}
				if !tc.check(ci) {
					t.Errorf("got %+v", ci)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestGlobMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"", "anything", true},
		{"*", "", true},
		{"*", "a\nb", true},
		{"a*", "abc", true},
		{"a*", "bac", false},
		{"*c", "abc", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"[ab]x", "bx", true},
		{"[ab]x", "cx", false},
		{"[^ab]x", "cx", true},
		{"[a-c]*", "b12", true},
		{"[]]", "]", true},
		{"[a", "[a", true}, // unclosed class is literal
		{"fmt.Print*", "fmt.Println(1)", true},
		{"FMT*", "fmt", false}, // case-sensitive
		{"ü?", "üx", true},
	}
	for _, tc := range cases {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}
