package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"

	pb "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
)

// streamError runs Interop.StreamError and checks items then the status.
func streamError(t *T, c *conn, count, code int32, msg string) error {
	tag := fmt.Sprintf("StreamError{count:%d,code:%d}", count, code)
	s, err := c.interop.StreamError(t.ctx, &pb.StreamErrorRequest{Count: count, Code: code, Message: msg})
	if err != nil {
		return fmt.Errorf("%s: %w", tag, err)
	}
	for i := int32(0); i < count; i++ {
		got, err := s.Recv()
		if err != nil {
			return fmt.Errorf("%s: Recv %d: %w", tag, i, err)
		}
		if got.Index != i {
			return fmt.Errorf("%s: item %d has index %d", tag, i, got.Index)
		}
	}
	_, err = s.Recv()
	_, err = expectStatus(tag+" end", err, codes.Code(code), &msg)
	return err
}

func caseStreamErrorMid(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	if err := streamError(t, c, 3, int32(codes.FailedPrecondition), "mid-stream failure ✗"); err != nil {
		return err
	}
	return streamError(t, c, 0, int32(codes.NotFound), "nothing to stream")
}

// caseStreamConcurrent interleaves bidi, client- and server-streaming calls
// and unary calls on one connection.
func caseStreamConcurrent(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	return parallel(60, func(i int) error {
		switch i % 6 {
		case 0, 1:
			return echoStream(t, c, 20, fmt.Sprintf("EchoStream #%d", i))
		case 2:
			return sumStream(t, c, 50+i, fmt.Sprintf("SumStream #%d", i))
		case 3:
			return divideStream(t, c, int32(i*11), int32(1+i%9))
		case 4:
			return streamError(t, c, int32(i%5), int32(1+i%16), fmt.Sprintf("stream %d", i))
		default:
			in := distinctMessage(i)
			got, err := c.interop.Echo(t.ctx, in)
			if err != nil {
				return fmt.Errorf("Echo #%d: %w", i, err)
			}
			return expectEqual(fmt.Sprintf("Echo #%d", i), in, got)
		}
	})
}

// caseStreamCancelEarly abandons an endless Ticker stream after 3 items.
// ttrpc has no cancel frame, so the server keeps ticking until the
// connection closes; the connection must still serve unary calls.
func caseStreamCancelEarly(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(t.ctx)
	defer cancel()
	s, err := c.interop.Ticker(ctx, &pb.TickerRequest{Count: 0, IntervalMs: 20})
	if err != nil {
		return fmt.Errorf("Ticker: %w", err)
	}
	for i := int32(0); i < 3; i++ {
		got, err := s.Recv()
		if err != nil {
			return fmt.Errorf("Recv %d: %w", i, err)
		}
		if got.Index != i {
			return fmt.Errorf("item %d has index %d", i, got.Index)
		}
	}
	cancel()
	start := time.Now()
	for {
		// Already-buffered items may still come out first.
		if _, err = s.Recv(); err != nil {
			break
		}
		if time.Since(start) > time.Second {
			return fmt.Errorf("Recv kept returning items 1s after cancel")
		}
	}
	if !errors.Is(err, context.Canceled) {
		return fmt.Errorf("Recv after cancel: got %v, want context canceled", err)
	}
	return echoStillWorks(t, c, "after cancelling the stream")
}
