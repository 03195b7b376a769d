package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/containerd/ttrpc"

	"github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/integration/streaming"
	interopv1 "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
)

// testCase is one named interop check.
type testCase struct {
	name string
	run  func(t *T) error
}

// T is what a case gets: a context (no deadline; cancelled if the case runs
// over its time limit), a way to open connections, and a place for notes.
type T struct {
	ctx    context.Context
	socket string

	mu      sync.Mutex
	conns   []*ttrpc.Client
	notes   []string
	cleanup []func()
}

// conn is one client connection with typed stubs for both services.
type conn struct {
	raw       *ttrpc.Client
	interop   interopv1.InteropClient
	streaming streaming.StreamingClient
}

// dial opens a new connection; it is closed when the case ends.
func (t *T) dial() (*conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(t.ctx, "unix", t.socket)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", t.socket, err)
	}
	c := ttrpc.NewClient(nc)
	t.mu.Lock()
	t.conns = append(t.conns, c)
	t.mu.Unlock()
	return &conn{raw: c, interop: interopv1.NewInteropClient(c), streaming: streaming.NewStreamingClient(c)}, nil
}

// notef records a note for the case's JSON line.
func (t *T) notef(format string, args ...any) {
	t.mu.Lock()
	t.notes = append(t.notes, fmt.Sprintf(format, args...))
	t.mu.Unlock()
}

func (t *T) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.conns {
		_ = c.Close()
	}
	t.conns = nil
}

// runCase runs one case with a time limit and turns it into a result line.
func runCase(c testCase, socket string, limit time.Duration) result {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t := &T{ctx: ctx, socket: socket}

	start := time.Now()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v", p)
			}
		}()
		done <- c.run(t)
	}()

	var err error
	timer := time.NewTimer(limit)
	select {
	case err = <-done:
	case <-timer.C:
		err = fmt.Errorf("case did not finish within %s", limit)
	}
	timer.Stop()
	cancel()
	t.closeAll()

	r := result{Case: c.name, OK: err == nil, MS: time.Since(start).Milliseconds()}
	if err != nil {
		r.Error = err.Error()
	}
	t.mu.Lock()
	r.Note = strings.Join(t.notes, "; ")
	t.mu.Unlock()
	return r
}
