// Command ttrpc-interop-server serves ttrpc.interop.v1.Interop and
// ttrpc.integration.streaming.Streaming on a Unix socket using the real
// containerd/ttrpc server.
//
// It prints one line, READY, on stdout once it is listening, and exits
// cleanly on SIGINT, SIGTERM or (unless -exit-on-stdin-eof=false) when its
// stdin reaches EOF, so a test runner that dies never leaves it behind.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/containerd/ttrpc"

	"github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/integration/streaming"
	interopv1 "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/logging"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/service"
)

func main() {
	socket := flag.String("socket", "", "unix socket path to listen on (a leading @ means an abstract socket)")
	stdinEOF := flag.Bool("exit-on-stdin-eof", true, "exit when stdin reaches EOF")
	quiet := flag.Bool("quiet", false, "silence the ttrpc library's log output on stderr")
	flag.Parse()
	if *socket == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: ttrpc-interop-server -socket PATH [-exit-on-stdin-eof=false] [-quiet]")
		os.Exit(2)
	}
	if *quiet {
		logging.Silence()
	}
	if err := run(*socket, *stdinEOF); err != nil {
		fmt.Fprintln(os.Stderr, "ttrpc-interop-server:", err)
		os.Exit(1)
	}
}

func run(socket string, stdinEOF bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if stdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	server, err := ttrpc.NewServer()
	if err != nil {
		return err
	}
	interopv1.RegisterInteropService(server, service.Interop{})
	streaming.RegisterStreamingService(server, service.Streaming{})

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
// is removed first; abstract names (leading @) need no cleanup.
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
