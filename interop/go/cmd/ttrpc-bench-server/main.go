// Command ttrpc-bench-server serves ttrpc.bench.v1.Bench (see
// ../../../proto/ttrpc/bench/v1/bench.proto) on a Unix socket with the real
// containerd/ttrpc server, for the benchmark in bench/ at the repository root.
//
// Like ttrpc-interop-server it prints READY on stdout once listening and
// exits on SIGINT, SIGTERM or (unless -exit-on-stdin-eof=false) when stdin
// reaches EOF.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/containerd/ttrpc"

	benchv1 "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/bench/v1"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/logging"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/serving"
)

// bench implements benchv1.BenchService with the semantics bench.proto
// documents: echo what arrives (decoded and encoded again by ttrpc), send
// `count` blobs of `size` bytes.
type bench struct{}

func (bench) Echo(_ context.Context, req *benchv1.Small) (*benchv1.Small, error) {
	return req, nil
}

func (bench) EchoBlob(_ context.Context, req *benchv1.Blob) (*benchv1.Blob, error) {
	return req, nil
}

func (bench) Stream(_ context.Context, req *benchv1.StreamRequest, srv benchv1.Bench_StreamServer) error {
	// One payload reused for every message, as the other implementations do:
	// the benchmark measures the RPC layer, not the allocator.
	msg := &benchv1.Blob{Data: make([]byte, req.GetSize())}
	for i := int32(0); i < req.GetCount(); i++ {
		if err := srv.Send(msg); err != nil {
			return err
		}
	}
	return nil
}

func (bench) Bidi(_ context.Context, srv benchv1.Bench_BidiServer) error {
	for {
		m, err := srv.Recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if err := srv.Send(m); err != nil {
			return err
		}
	}
}

func (bench) Sink(_ context.Context, srv benchv1.Bench_SinkServer) (*benchv1.StreamRequest, error) {
	var n, size int32
	for {
		m, err := srv.Recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return &benchv1.StreamRequest{Count: n, Size: size}, nil
			}
			return nil, err
		}
		n++
		size = int32(len(m.GetData()))
	}
}

func main() {
	socket := flag.String("socket", "", "unix socket path to listen on (a leading @ means an abstract socket)")
	stdinEOF := flag.Bool("exit-on-stdin-eof", true, "exit when stdin reaches EOF")
	quiet := flag.Bool("quiet", false, "silence the ttrpc library's log output on stderr")
	flag.Parse()
	if *socket == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: ttrpc-bench-server -socket PATH [-exit-on-stdin-eof=false] [-quiet]")
		os.Exit(2)
	}
	if *quiet {
		logging.Silence()
	}
	if err := run(*socket, *stdinEOF); err != nil {
		fmt.Fprintln(os.Stderr, "ttrpc-bench-server:", err)
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
	benchv1.RegisterBenchService(server, bench{})

	return serving.Run(ctx, server, socket)
}
