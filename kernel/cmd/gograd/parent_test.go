package main

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestWatchParent(t *testing.T) {
	tests := []struct {
		name      string
		env       string
		first     int
		later     int
		wantEnded bool
	}{
		{"started by Jupyter, parent alive", "1234", 1234, 1234, false},
		{"started by Jupyter, parent died (re-parented to init)", "1234", 1234, 1, true},
		{"started by Jupyter, parent died (re-parented to a subreaper)", "1234", 1234, 77, true},
		{"not started by Jupyter: never watched", "", 1234, 1, false},
		{"already orphaned at start: nothing to watch", "1234", 1, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ppid atomic.Int64
			ppid.Store(int64(tt.first))
			getenv := func(k string) string {
				if k == "JPY_PARENT_PID" {
					return tt.env
				}
				return ""
			}
			ctx, cancel := watchParent(context.Background(), getenv, func() int { return int(ppid.Load()) }, time.Millisecond)
			defer cancel()
			ppid.Store(int64(tt.later))
			select {
			case <-ctx.Done():
				if !tt.wantEnded {
					t.Fatal("the kernel's context ended, but the parent is alive or not watched")
				}
			case <-time.After(200 * time.Millisecond):
				if tt.wantEnded {
					t.Fatal("the kernel's context did not end after its parent died")
				}
			}
		})
	}
}
