package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ConnectionInfo is the content of a Jupyter connection file: where to
// bind the five sockets and how to sign messages.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" or "ipc"
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	StdinPort       int    `json:"stdin_port"`
	IOPubPort       int    `json:"iopub_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and validates a connection file.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ConnectionInfo{}, fmt.Errorf("connection file: %w", err)
	}
	return ParseConnectionInfo(data)
}

// ParseConnectionInfo parses and validates the JSON of a connection file.
// A missing transport means tcp and a missing signature scheme means
// hmac-sha256; any other scheme is refused.
func ParseConnectionInfo(data []byte) (ConnectionInfo, error) {
	var ci ConnectionInfo
	if err := json.Unmarshal(data, &ci); err != nil {
		return ConnectionInfo{}, fmt.Errorf("connection file: %w", err)
	}
	if ci.Transport == "" {
		ci.Transport = "tcp"
	}
	if ci.SignatureScheme == "" {
		ci.SignatureScheme = "hmac-sha256"
	}
	return ci, ci.Validate()
}

// Validate checks the transport, ip, ports and signature scheme.
func (ci ConnectionInfo) Validate() error {
	var errs []error
	switch ci.Transport {
	case "tcp", "ipc":
	default:
		errs = append(errs, fmt.Errorf("transport %q is not supported (want tcp or ipc)", ci.Transport))
	}
	if strings.TrimSpace(ci.IP) == "" {
		errs = append(errs, errors.New("ip is missing"))
	}
	if ci.SignatureScheme != "hmac-sha256" {
		errs = append(errs, fmt.Errorf("signature_scheme %q is not supported (want hmac-sha256)", ci.SignatureScheme))
	}
	seen := map[int]string{}
	for _, p := range ci.ports() {
		if p.port < 0 || p.port > 65535 {
			errs = append(errs, fmt.Errorf("%s %d is out of range 0-65535", p.name, p.port))
			continue
		}
		if other, dup := seen[p.port]; dup && p.port != 0 {
			errs = append(errs, fmt.Errorf("%s and %s are both %d", other, p.name, p.port))
		}
		seen[p.port] = p.name
	}
	if len(errs) > 0 {
		return fmt.Errorf("connection file: %w", errors.Join(errs...))
	}
	return nil
}

type namedPort struct {
	name string
	port int
}

func (ci ConnectionInfo) ports() []namedPort {
	return []namedPort{
		{"shell_port", ci.ShellPort}, {"control_port", ci.ControlPort}, {"stdin_port", ci.StdinPort},
		{"iopub_port", ci.IOPubPort}, {"hb_port", ci.HBPort},
	}
}

// Endpoint returns the ZeroMQ endpoint for port: tcp://ip:port, or
// ipc://ip-port as Jupyter names ipc endpoints.
func (ci ConnectionInfo) Endpoint(port int) string {
	if ci.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", ci.IP, port)
	}
	ip := ci.IP
	if strings.Contains(ip, ":") && !strings.HasPrefix(ip, "[") {
		ip = "[" + ip + "]" // IPv6 literal
	}
	return fmt.Sprintf("tcp://%s:%d", ip, port)
}
