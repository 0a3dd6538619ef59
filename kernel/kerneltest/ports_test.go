package kerneltest

import (
	"net"
	"strconv"
	"testing"
)

// The ports of FreeConnectionInfo are distinct, below the ephemeral range
// where it is known, and never handed out twice.
func TestFreeConnectionInfoPorts(t *testing.T) {
	lo := ephemeralLow()
	seen := map[int]bool{}
	for range 20 {
		info, err := FreeConnectionInfo("k")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []int{info.ShellPort, info.ControlPort, info.StdinPort, info.IOPubPort, info.HBPort} {
			if seen[p] {
				t.Fatalf("port %d handed out twice", p)
			}
			seen[p] = true
			if lo-portFloor >= 1000 && (p < portFloor || p >= lo) {
				t.Errorf("port %d outside [%d, %d), below the ephemeral range", p, portFloor, lo)
			}
			l, err := net.Listen("tcp", info.IP+":"+strconv.Itoa(p))
			if err != nil {
				t.Errorf("port %d is not free: %v", p, err)
				continue
			}
			l.Close()
		}
	}
}
