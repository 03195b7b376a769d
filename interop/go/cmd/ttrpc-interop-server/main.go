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
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/containerd/ttrpc"

	"github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/integration/streaming"
	interopv1 "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/logging"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/service"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/serving"
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

	return serving.Run(ctx, server, socket)
}
