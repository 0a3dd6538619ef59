package kerneltest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
)

// Ports for test kernels. A port that the system handed to a listener on
// port 0, closed again before the kernel binds it, comes from the
// ephemeral range, from which the system also takes the local ports of
// outgoing connections: a parallel test's ZeroMQ dialer could take it
// first, and the kernel then fails with "bind: address already in use"
// (tests/TestE2EHelpAtCursor in a CI run, 2026-12-08). So listenFree picks
// ports below the ephemeral range (Linux's ip_local_port_range), at
// random, each checked free by listening on it and never handed out twice
// by one process; where that range cannot be read, or leaves too little
// room, it listens on port 0 as before.

const (
	portFloor = 10000 // the least port listenFree picks
	portTries = 100
)

var (
	portsMu    sync.Mutex
	portsGiven = map[int]bool{}
)

// ephemeralLow returns the first port of the system's ephemeral range, or
// 0 when it is not known.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0
	}
	lo, err := strconv.Atoi(f[0])
	if err != nil {
		return 0
	}
	return lo
}

// listenFree returns a listener on 127.0.0.1 on a port chosen as described
// above.
func listenFree() (net.Listener, error) {
	if lo := ephemeralLow(); lo-portFloor >= 1000 {
		portsMu.Lock()
		defer portsMu.Unlock()
		for range portTries {
			p := portFloor + rand.IntN(lo-portFloor)
			if portsGiven[p] {
				continue
			}
			if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p)); err == nil {
				portsGiven[p] = true
				return l, nil
			}
		}
	}
	return net.Listen("tcp", "127.0.0.1:0")
}
