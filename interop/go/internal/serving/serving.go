// Package serving runs a ttrpc server on a Unix socket the way every peer
// command here does: READY on stdout once listening, then a graceful
// shutdown when ctx ends.
package serving

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/containerd/ttrpc"
)

// Run listens on socket (a leading @ means an abstract socket), prints
// READY, serves until ctx ends and then shuts the server down (2 s grace).
func Run(ctx context.Context, server *ttrpc.Server, socket string) error {
	listener, err := listen(socket)
	if err != nil {
		return err
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- server.Serve(context.Background(), listener) }()
	fmt.Println("READY")

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		_ = server.Close()
	}
	if err := <-serveErr; err != nil && !errors.Is(err, ttrpc.ErrServerClosed) {
		return err
	}
	return nil
}

// listen opens the Unix listener. A stale socket file left by an earlier run
// is removed first; abstract names need no cleanup.
func listen(socket string) (net.Listener, error) {
	if socket[0] != '@' {
		if fi, err := os.Lstat(socket); err == nil && fi.Mode()&os.ModeSocket != 0 {
			if err := os.Remove(socket); err != nil {
				return nil, err
			}
		}
	}
	return net.Listen("unix", socket)
}
