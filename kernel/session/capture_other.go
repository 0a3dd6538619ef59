//go:build !unix

package session

import "errors"

var errNoCapture = errors.New("redirecting the process's output is not supported on this platform")

func dup(fd int) (int, error) { return 0, errNoCapture }

func dup2(from, to int) error { return errNoCapture }
