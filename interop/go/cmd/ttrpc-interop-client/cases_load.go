package main

import (
	"fmt"
	"sync"
	"sync/atomic"

	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/integration/streaming"
	pb "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
)

// distinctMessage is a per-call message so crossed replies are detected.
func distinctMessage(i int) *pb.AllTypes {
	blob := make([]byte, (i*37)%4096)
	for j := range blob {
		blob[j] = byte(i + j)
	}
	return &pb.AllTypes{
		FInt64:  int64(i),
		FString: fmt.Sprintf("call-%d", i),
		FBytes:  blob,
		RInt32:  []int32{int32(i), int32(-i)},
	}
}

func caseConcurrent200(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	return parallel(200, func(i int) error {
		in := distinctMessage(i)
		got, err := c.interop.Echo(t.ctx, in)
		if err != nil {
			return fmt.Errorf("call %d: %w", i, err)
		}
		return expectEqual(fmt.Sprintf("call %d", i), in, got)
	})
}

func caseConnections50(t *T) error {
	return parallel(50, func(i int) error {
		c, err := t.dial()
		if err != nil {
			return fmt.Errorf("connection %d: %w", i, err)
		}
		for j := 0; j < 3; j++ {
			in := distinctMessage(i*10 + j)
			got, err := c.interop.Echo(t.ctx, in)
			if err != nil {
				return fmt.Errorf("connection %d Echo %d: %w", i, j, err)
			}
			if err := expectEqual(fmt.Sprintf("connection %d Echo %d", i, j), in, got); err != nil {
				return err
			}
		}
		if _, err := c.interop.EchoEmpty(t.ctx, &emptypb.Empty{}); err != nil {
			return fmt.Errorf("connection %d EchoEmpty: %w", i, err)
		}
		got, err := c.streaming.Echo(t.ctx, &streaming.EchoPayload{Seq: uint32(i), Msg: "conn"})
		if err != nil {
			return fmt.Errorf("connection %d Streaming.Echo: %w", i, err)
		}
		if got.Seq != uint32(i)+1 || got.Msg != "conn" {
			return fmt.Errorf("connection %d Streaming.Echo: got seq %d msg %q", i, got.Seq, got.Msg)
		}
		return nil
	})
}

// caseDials1000AtOnce opens 1,000 connections at the same instant (all
// goroutines released together) and makes one call on each. A server whose
// listen backlog is smaller than the burst makes some dials fail with
// "connect: resource temporarily unavailable" (EAGAIN on unix sockets).
func caseDials1000AtOnce(t *T) error {
	const n = 1000
	start := make(chan struct{})
	var dialed, called atomic.Int32
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c, err := t.dial()
			if err != nil {
				errs[i] = fmt.Errorf("connection %d: %w", i, err)
				return
			}
			dialed.Add(1)
			in := distinctMessage(i)
			got, err := c.interop.Echo(t.ctx, in)
			if err == nil {
				err = expectEqual(fmt.Sprintf("connection %d", i), in, got)
			}
			if err != nil {
				errs[i] = fmt.Errorf("connection %d Echo: %w", i, err)
				return
			}
			called.Add(1)
		}()
	}
	close(start)
	wg.Wait()
	t.notef("dials=%d connected=%d calls_ok=%d", n, dialed.Load(), called.Load())
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("%d of %d dials failed, %d of %d calls failed; first: %w", n-int(dialed.Load()), n, n-int(called.Load()), n, err)
		}
	}
	return nil
}
