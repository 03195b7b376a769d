// Command ttrpc-bench-client drives one measurement of the benchmark in
// bench/ (repository root) against a ttrpc.bench.v1.Bench server, using the
// real containerd/ttrpc client, and prints the result as one JSON object on
// stdout, in the same shape as the Node clients in bench/lib/client.mjs.
//
// Measurements (-measure):
//
//	unary_seq   sequential Echo(Small) calls; calls/s and latency percentiles
//	unary_conc  -inflight concurrent Echo(Small) callers on one connection
//	blob        sequential EchoBlob round trips of -blob-size bytes
//	stream      repeated Stream(count=-stream-count, size=-msg-size)
//	bidi        repeated Bidi streams: -stream-count messages of -msg-size
//	            bytes sent while the echoes are read
//	sink        repeated Sink streams (client streaming): -stream-count
//	            messages of -msg-size bytes, then the one response
//
// Each runs for -warmup ms untimed, then for -duration ms timed.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/containerd/ttrpc"

	benchv1 "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/bench/v1"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/logging"
)

type result struct {
	OK      bool    `json:"ok"`
	Measure string  `json:"measure"`
	Seconds float64 `json:"seconds"`
	// Ops: calls (unary), round trips (blob) or messages received (streams).
	Ops       int64    `json:"ops"`
	OpsPerSec float64  `json:"opsPerSec"`
	Bytes     int64    `json:"bytes"`
	P50Us     *float64 `json:"p50Us,omitempty"`
	P99Us     *float64 `json:"p99Us,omitempty"`
	// WarmOps: ops done during the warm-up; CPUUs: user+system CPU time of
	// this process during the timed run, in µs.
	WarmOps int64   `json:"warmOps"`
	CPUUs   float64 `json:"cpuUs"`
	// AllocBytesPerOp: heap bytes allocated per op during the timed run
	// (runtime.MemStats.TotalAlloc), garbage included.
	AllocBytesPerOp float64 `json:"allocBytesPerOp"`
	Error           string  `json:"error,omitempty"`
}

type config struct {
	measure     string
	warmup      time.Duration
	duration    time.Duration
	inflight    int
	blobSize    int
	streamCount int
	msgSize     int
}

// small is the message of the unary benchmarks; bench/lib/messages.mjs
// builds the same one.
func small() *benchv1.Small {
	blob := make([]byte, 64)
	for i := range blob {
		blob[i] = byte(i)
	}
	return &benchv1.Small{
		Text: "the quick brown fox jumps over the lazy dog",
		Blob: blob,
		N:    1234567890123456789,
		Tags: []string{"alpha", "beta", "gamma", "delta"},
	}
}

func main() {
	socket := flag.String("socket", "", "unix socket of the server")
	var cfg config
	var warmupMs, durationMs int
	flag.StringVar(&cfg.measure, "measure", "", "unary_seq, unary_conc, blob, stream, bidi or sink")
	flag.IntVar(&warmupMs, "warmup", 500, "untimed warm-up, ms")
	flag.IntVar(&durationMs, "duration", 2000, "timed run, ms")
	flag.IntVar(&cfg.inflight, "inflight", 64, "concurrent calls for unary_conc")
	flag.IntVar(&cfg.blobSize, "blob-size", 1<<20, "payload bytes for blob")
	flag.IntVar(&cfg.streamCount, "stream-count", 1000, "messages per stream for stream and bidi")
	flag.IntVar(&cfg.msgSize, "msg-size", 1024, "payload bytes per streamed message")
	flag.Parse()
	if *socket == "" || cfg.measure == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: ttrpc-bench-client -socket PATH -measure NAME [-warmup MS] [-duration MS] ...")
		os.Exit(2)
	}
	logging.Silence()
	cfg.warmup = time.Duration(warmupMs) * time.Millisecond
	cfg.duration = time.Duration(durationMs) * time.Millisecond

	res, err := run(*socket, cfg)
	if err != nil {
		res = result{Measure: cfg.measure, Error: err.Error()}
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
	if err != nil {
		os.Exit(1)
	}
}

func run(socket string, cfg config) (result, error) {
	conn, err := net.Dial("unix", socket)
	if err != nil {
		return result{}, err
	}
	client := ttrpc.NewClient(conn)
	defer client.Close()
	c := benchv1.NewBenchClient(client)
	ctx := context.Background()

	// op runs one unit of work and returns how many ops and bytes it did.
	var op func() (int64, int64, error)
	switch cfg.measure {
	case "unary_seq", "unary_conc":
		req := small()
		op = func() (int64, int64, error) {
			_, err := c.Echo(ctx, req)
			return 1, 0, err
		}
	case "blob":
		req := &benchv1.Blob{Data: make([]byte, cfg.blobSize)}
		op = func() (int64, int64, error) {
			res, err := c.EchoBlob(ctx, req)
			if err != nil {
				return 0, 0, err
			}
			if len(res.GetData()) != cfg.blobSize {
				return 0, 0, fmt.Errorf("echoed %d bytes, sent %d", len(res.GetData()), cfg.blobSize)
			}
			return 1, int64(cfg.blobSize), nil
		}
	case "stream":
		req := &benchv1.StreamRequest{Count: int32(cfg.streamCount), Size: int32(cfg.msgSize)}
		op = func() (int64, int64, error) {
			s, err := c.Stream(ctx, req)
			if err != nil {
				return 0, 0, err
			}
			var n, b int64
			for {
				m, err := s.Recv()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					return n, b, err
				}
				n++
				b += int64(len(m.GetData()))
			}
			if n != int64(cfg.streamCount) {
				return n, b, fmt.Errorf("stream ended after %d of %d messages", n, cfg.streamCount)
			}
			return n, b, nil
		}
	case "bidi":
		msg := &benchv1.Blob{Data: make([]byte, cfg.msgSize)}
		op = func() (int64, int64, error) {
			s, err := c.Bidi(ctx)
			if err != nil {
				return 0, 0, err
			}
			sendErr := make(chan error, 1)
			go func() {
				for i := 0; i < cfg.streamCount; i++ {
					if err := s.Send(msg); err != nil {
						sendErr <- err
						return
					}
				}
				sendErr <- s.CloseSend()
			}()
			var n, b int64
			for {
				m, err := s.Recv()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					return n, b, err
				}
				n++
				b += int64(len(m.GetData()))
			}
			if err := <-sendErr; err != nil {
				return n, b, err
			}
			if n != int64(cfg.streamCount) {
				return n, b, fmt.Errorf("bidi ended after %d of %d messages", n, cfg.streamCount)
			}
			return n, b, nil
		}
	case "sink":
		msg := &benchv1.Blob{Data: make([]byte, cfg.msgSize)}
		op = func() (int64, int64, error) {
			s, err := c.Sink(ctx)
			if err != nil {
				return 0, 0, err
			}
			for i := 0; i < cfg.streamCount; i++ {
				if err := s.Send(msg); err != nil {
					return 0, 0, err
				}
			}
			res, err := s.CloseAndRecv()
			if err != nil {
				return 0, 0, err
			}
			if int(res.GetCount()) != cfg.streamCount || int(res.GetSize()) != cfg.msgSize {
				return 0, 0, fmt.Errorf("sink counted %d messages of %d bytes, sent %d of %d", res.GetCount(), res.GetSize(), cfg.streamCount, cfg.msgSize)
			}
			return int64(cfg.streamCount), int64(cfg.streamCount * cfg.msgSize), nil
		}
	default:
		return result{}, fmt.Errorf("unknown -measure %q", cfg.measure)
	}

	workers := 1
	if cfg.measure == "unary_conc" {
		workers = cfg.inflight
	}
	latency := cfg.measure == "unary_seq"

	// Untimed warm-up, then the timed run.
	warmOps, _, _, _, err := loop(op, workers, cfg.warmup, false)
	if err != nil {
		return result{}, fmt.Errorf("warm-up: %w", err)
	}
	var mem0, mem1 runtime.MemStats
	runtime.ReadMemStats(&mem0)
	cpu0 := cpuTime()
	ops, bytes, secs, lat, err := loop(op, workers, cfg.duration, latency)
	if err != nil {
		return result{}, err
	}
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&mem1)
	res := result{
		OK: true, Measure: cfg.measure, Seconds: secs, Ops: ops, OpsPerSec: float64(ops) / secs, Bytes: bytes,
		WarmOps: warmOps, CPUUs: float64(cpu.Microseconds()),
	}
	if ops > 0 {
		res.AllocBytesPerOp = float64(mem1.TotalAlloc-mem0.TotalAlloc) / float64(ops)
	}
	if latency && len(lat) > 0 {
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		p50 := percentileUs(lat, 0.50)
		p99 := percentileUs(lat, 0.99)
		res.P50Us, res.P99Us = &p50, &p99
	}
	return res, nil
}

// loop runs op on `workers` goroutines until d has passed; each worker
// starts its next op only while time is left.
func loop(op func() (int64, int64, error), workers int, d time.Duration, latency bool) (int64, int64, float64, []time.Duration, error) {
	var ops, bytes atomic.Int64
	var lat []time.Duration
	var firstErr error
	var errOnce sync.Once
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) {
				t0 := time.Now()
				n, b, err := op()
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				if latency {
					lat = append(lat, time.Since(t0)) // one worker only
				}
				ops.Add(n)
				bytes.Add(b)
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	return ops.Load(), bytes.Load(), secs, lat, firstErr
}

// cpuTime is this process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// percentileUs uses the nearest-rank method, as bench/lib/stats.mjs does.
func percentileUs(sorted []time.Duration, p float64) float64 {
	i := int(float64(len(sorted))*p+0.999999999) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return float64(sorted[i].Nanoseconds()) / 1e3
}
