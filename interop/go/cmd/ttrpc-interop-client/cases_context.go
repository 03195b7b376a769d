package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/containerd/ttrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	pb "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
)

func caseMetadataMulti(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	got, err := c.interop.Metadata(t.ctx, &emptypb.Empty{})
	if err != nil {
		return fmt.Errorf("Metadata without metadata: %w", err)
	}
	if err := expectEqual("no metadata", &pb.MetadataReply{}, got); err != nil {
		return err
	}

	md := ttrpc.MD{
		"zeta":        {"last"},
		"alpha":       {"1"},
		"multi":       {"v1", "v2", "v3"},
		"unicode":     {"ünïcödé ✓ 🚀"},
		"empty-value": {""},
	}
	got, err = c.interop.Metadata(ttrpc.WithMetadata(t.ctx, md), &emptypb.Empty{})
	if err != nil {
		return fmt.Errorf("Metadata: %w", err)
	}
	want := &pb.MetadataReply{Entries: []*pb.MetadataEntry{
		{Key: "alpha", Values: []string{"1"}},
		{Key: "empty-value", Values: []string{""}},
		{Key: "multi", Values: []string{"v1", "v2", "v3"}},
		{Key: "unicode", Values: []string{"ünïcödé ✓ 🚀"}},
		{Key: "zeta", Values: []string{"last"}},
	}}
	return expectEqual("metadata", want, got)
}

// caseMetadataMixedCase checks that keys arrive exactly as sent (Go's server
// does no case folding; only MD.Get/Set lowercase).
func caseMetadataMixedCase(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	md := ttrpc.MD{"X-Mixed-Case": {"A", "b"}, "lower": {"c"}}
	got, err := c.interop.Metadata(ttrpc.WithMetadata(t.ctx, md), &emptypb.Empty{})
	if err != nil {
		return fmt.Errorf("Metadata: %w", err)
	}
	want := &pb.MetadataReply{Entries: []*pb.MetadataEntry{
		{Key: "X-Mixed-Case", Values: []string{"A", "b"}},
		{Key: "lower", Values: []string{"c"}},
	}}
	return expectEqual("metadata", want, got)
}

func caseDeadlinePropagation(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	got, err := c.interop.Deadline(ctx, &emptypb.Empty{})
	if err != nil {
		return fmt.Errorf("Deadline: %w", err)
	}
	if !got.HasDeadline {
		return fmt.Errorf("has_deadline false with a 5s client deadline")
	}
	if got.RemainingMs <= 3000 || got.RemainingMs > 5000 {
		return fmt.Errorf("remaining_ms %d, want in (3000, 5000]", got.RemainingMs)
	}
	t.notef("remaining_ms=%d", got.RemainingMs)
	return nil
}

// Deadlines past 2^31-1 ms (about 24.8 days) overflow a plain Node timer:
// the server must neither expire the call at once nor lose the deadline.
func caseDeadline30Days(t *T) error { return farDeadline(t, 30*24*time.Hour) }

func caseDeadline1Year(t *T) error { return farDeadline(t, 365*24*time.Hour) }

func farDeadline(t *T, d time.Duration) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	// The case's own time limit would be the nearer deadline: detach from
	// it, but still stop when it ends.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.ctx), d)
	defer cancel()
	defer context.AfterFunc(t.ctx, cancel)()
	got, err := c.interop.Deadline(ctx, &emptypb.Empty{})
	if err != nil {
		return fmt.Errorf("Deadline with a %s timeout: %w", d, err)
	}
	if !got.HasDeadline {
		return fmt.Errorf("has_deadline false with a %s client deadline", d)
	}
	want := d.Milliseconds()
	if got.RemainingMs <= want-60_000 || got.RemainingMs > want {
		return fmt.Errorf("remaining_ms %d, want in (%d, %d]", got.RemainingMs, want-60_000, want)
	}
	t.notef("remaining_ms=%d", got.RemainingMs)
	return nil
}

func caseNoDeadline(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	got, err := c.interop.Deadline(t.ctx, &emptypb.Empty{})
	if err != nil {
		return fmt.Errorf("Deadline: %w", err)
	}
	return expectEqual("no deadline", &pb.DeadlineReply{}, got)
}

func caseDeadlineExceeded(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(t.ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	reply, err := c.interop.Sleep(ctx, &pb.SleepRequest{Ms: 3000})
	elapsed := time.Since(start)
	switch {
	case err == nil && reply.Cancelled:
		// The server's own deadline (from timeout_nano) fired and its reply
		// won the race against the client's timer: still a pass.
		t.notef("server reply (cancelled=true) arrived before the client deadline fired")
	case err == nil:
		return fmt.Errorf("Sleep(3000) with a 200ms deadline succeeded after %s", elapsed)
	case status.Code(err) == codes.DeadlineExceeded:
		// A server that enforces the deadline (ttrpc-ts does; Go only cancels
		// the handler's context) answers DeadlineExceeded at the same moment:
		// also a pass.
		t.notef("server answered DeadlineExceeded before the client deadline fired")
	case !errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("got %v (%T), want context deadline exceeded or a DeadlineExceeded status", err, err)
	}
	if elapsed > time.Second {
		return fmt.Errorf("call returned after %s, want about 200ms", elapsed)
	}
	// The connection must still work after the abandoned call.
	if _, err := c.interop.EchoEmpty(t.ctx, &emptypb.Empty{}); err != nil {
		return fmt.Errorf("EchoEmpty after the deadline: %w", err)
	}
	return nil
}
