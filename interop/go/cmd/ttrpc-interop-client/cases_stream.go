package main

import (
	"errors"
	"fmt"
	"io"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/integration/streaming"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/service"
)

// expectEOF checks that a stream's next Recv reports a clean end.
func expectEOF(what string, recv func() error) error {
	if err := recv(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: got %v after the last message, want EOF", what, err)
	}
	return nil
}

// echoStream runs count ping/pong round trips on a new EchoStream, then
// half-closes and expects EOF.
func echoStream(t *T, c *conn, count int, tag string) error {
	s, err := c.streaming.EchoStream(t.ctx)
	if err != nil {
		return fmt.Errorf("%s: EchoStream: %w", tag, err)
	}
	for i := 0; i < count; i++ {
		in := &streaming.EchoPayload{Seq: uint32(i * 2), Msg: fmt.Sprintf("%s ping %d", tag, i)}
		if err := s.Send(in); err != nil {
			return fmt.Errorf("%s: Send %d: %w", tag, i, err)
		}
		got, err := s.Recv()
		if err != nil {
			return fmt.Errorf("%s: Recv %d: %w", tag, i, err)
		}
		if got.Seq != in.Seq+1 || got.Msg != in.Msg {
			return fmt.Errorf("%s: echo %d: got seq %d msg %q, want seq %d msg %q", tag, i, got.Seq, got.Msg, in.Seq+1, in.Msg)
		}
	}
	if err := s.CloseSend(); err != nil {
		return fmt.Errorf("%s: CloseSend: %w", tag, err)
	}
	return expectEOF(tag, func() error { _, err := s.Recv(); return err })
}

func caseStreamEcho(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	return echoStream(t, c, 50, "EchoStream")
}

// sumStream sends parts (default-valued ones first and last) and checks the Sum.
func sumStream(t *T, c *conn, n int, tag string) error {
	s, err := c.streaming.SumStream(t.ctx)
	if err != nil {
		return fmt.Errorf("%s: SumStream: %w", tag, err)
	}
	var want streaming.Sum
	for i := 0; i < n; i++ {
		var add int32
		if i != 0 && i != n-1 {
			add = int32(i*13%200) - 100
		}
		if err := s.Send(&streaming.Part{Add: add}); err != nil {
			return fmt.Errorf("%s: Send %d: %w", tag, i, err)
		}
		want.Sum += add
		want.Num++
	}
	got, err := s.CloseAndRecv()
	if err != nil {
		return fmt.Errorf("%s: CloseAndRecv: %w", tag, err)
	}
	return expectEqual(tag, &want, got)
}

func caseStreamSum(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	return sumStream(t, c, 202, "SumStream")
}

// divideStream checks DivideStream's parts against the documented split.
func divideStream(t *T, c *conn, sum, num int32) error {
	tag := fmt.Sprintf("DivideStream{sum:%d,num:%d}", sum, num)
	want, err := service.DivideParts(sum, num)
	if err != nil {
		return err
	}
	s, err := c.streaming.DivideStream(t.ctx, &streaming.Sum{Sum: sum, Num: num})
	if err != nil {
		return fmt.Errorf("%s: %w", tag, err)
	}
	for i, add := range want {
		got, err := s.Recv()
		if err != nil {
			return fmt.Errorf("%s: Recv %d of %d: %w", tag, i, len(want), err)
		}
		if got.Add != add {
			return fmt.Errorf("%s: part %d add %d, want %d", tag, i, got.Add, add)
		}
	}
	return expectEOF(tag, func() error { _, err := s.Recv(); return err })
}

func caseStreamDivide(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	for _, in := range [][2]int32{{392, 30}, {-7, 2}, {0, 0}, {5, 1}} {
		if err := divideStream(t, c, in[0], in[1]); err != nil {
			return err
		}
	}
	s, err := c.streaming.DivideStream(t.ctx, &streaming.Sum{Sum: 5, Num: -1})
	if err != nil {
		return fmt.Errorf("DivideStream{num:-1}: %w", err)
	}
	_, err = s.Recv()
	_, err = expectStatus("DivideStream{num:-1}", err, codes.InvalidArgument, nil)
	return err
}

func caseStreamEchoNull(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	s, err := c.streaming.EchoNull(t.ctx)
	if err != nil {
		return fmt.Errorf("EchoNull: %w", err)
	}
	for i := 0; i < 100; i++ {
		if err := s.Send(&streaming.EchoPayload{Seq: uint32(i), Msg: "non-empty empty"}); err != nil {
			return fmt.Errorf("Send %d: %w", i, err)
		}
	}
	got, err := s.CloseAndRecv()
	if err != nil {
		return fmt.Errorf("CloseAndRecv: %w", err)
	}
	return expectEqual("EchoNull", &emptypb.Empty{}, got)
}

func caseStreamEchoNullStream(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	s, err := c.streaming.EchoNullStream(t.ctx)
	if err != nil {
		return fmt.Errorf("EchoNullStream: %w", err)
	}
	const inputs = 20
	received := make(chan error, 1)
	count := 0
	go func() {
		for {
			if _, err := s.Recv(); err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				received <- err
				return
			}
			count++
		}
	}()
	for i := 0; i < inputs; i++ {
		if err := s.Send(&streaming.EchoPayload{Seq: uint32(i), Msg: "null"}); err != nil {
			return fmt.Errorf("Send %d: %w", i, err)
		}
	}
	if err := s.CloseSend(); err != nil {
		return fmt.Errorf("CloseSend: %w", err)
	}
	if err := <-received; err != nil {
		return fmt.Errorf("Recv after %d messages: %w", count, err)
	}
	if want := inputs * service.EchoNullStreamFanout; count != want {
		return fmt.Errorf("received %d Empty messages, want %d", count, want)
	}
	return nil
}

func caseStreamEmptyPayload(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	s, err := c.streaming.EmptyPayloadStream(t.ctx, &emptypb.Empty{})
	if err != nil {
		return fmt.Errorf("EmptyPayloadStream: %w", err)
	}
	for seq := uint32(1); seq <= 2; seq++ {
		got, err := s.Recv()
		if err != nil {
			return fmt.Errorf("Recv seq %d: %w", seq, err)
		}
		if err := expectEqual("EmptyPayloadStream", &streaming.EchoPayload{Seq: seq}, got); err != nil {
			return err
		}
	}
	return expectEOF("EmptyPayloadStream", func() error { _, err := s.Recv(); return err })
}
