package service

import (
	"bytes"
	"context"
	"sort"
	"time"

	"github.com/containerd/ttrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	interopv1 "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
)

// Interop implements ttrpc.interop.v1.Interop with the semantics documented
// in its proto file.
type Interop struct{}

var _ interopv1.InteropService = Interop{}

func (Interop) Echo(_ context.Context, in *interopv1.AllTypes) (*interopv1.AllTypes, error) {
	return in, nil
}

func (Interop) EchoEmpty(_ context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (Interop) Fail(_ context.Context, in *interopv1.FailRequest) (*emptypb.Empty, error) {
	if in.Code == 0 {
		return &emptypb.Empty{}, nil
	}
	return nil, FailStatus(in.Code, in.Message, in.WithDetail).Err()
}

func (Interop) Metadata(ctx context.Context, _ *emptypb.Empty) (*interopv1.MetadataReply, error) {
	md, _ := ttrpc.GetMetadata(ctx)
	reply := &interopv1.MetadataReply{}
	for key, values := range md {
		reply.Entries = append(reply.Entries, &interopv1.MetadataEntry{
			Key:    key,
			Values: append([]string(nil), values...),
		})
	}
	sort.Slice(reply.Entries, func(i, j int) bool {
		return reply.Entries[i].Key < reply.Entries[j].Key
	})
	return reply, nil
}

func (Interop) Deadline(ctx context.Context, _ *emptypb.Empty) (*interopv1.DeadlineReply, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return &interopv1.DeadlineReply{}, nil
	}
	return &interopv1.DeadlineReply{
		HasDeadline: true,
		RemainingMs: time.Until(deadline).Milliseconds(),
	}, nil
}

func (Interop) Sleep(ctx context.Context, in *interopv1.SleepRequest) (*interopv1.SleepReply, error) {
	timer := time.NewTimer(time.Duration(max(in.Ms, 0)) * time.Millisecond)
	defer timer.Stop()
	select {
	case <-timer.C:
		return &interopv1.SleepReply{}, nil
	case <-ctx.Done():
		return &interopv1.SleepReply{Cancelled: true}, nil
	}
}

func (Interop) Size(_ context.Context, in *interopv1.SizeRequest) (*interopv1.SizeReply, error) {
	if in.ReplySize < 0 {
		return nil, status.Errorf(codes.InvalidArgument, "reply_size %d is negative", in.ReplySize)
	}
	return &interopv1.SizeReply{
		Data:        bytes.Repeat([]byte{'a'}, int(in.ReplySize)),
		ReceivedLen: int64(len(in.Data)),
	}, nil
}

func (Interop) StreamError(_ context.Context, in *interopv1.StreamErrorRequest, ss interopv1.Interop_StreamErrorServer) error {
	for i := int32(0); i < in.Count; i++ {
		if err := ss.Send(&interopv1.Item{Index: i}); err != nil {
			return err
		}
	}
	if in.Code == 0 {
		return nil
	}
	return status.Error(codes.Code(in.Code), in.Message)
}

func (Interop) Ticker(ctx context.Context, in *interopv1.TickerRequest, ss interopv1.Interop_TickerServer) error {
	interval := time.Duration(max(in.IntervalMs, 1)) * time.Millisecond
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for i := int32(0); in.Count == 0 || i < in.Count; i++ {
		if i > 0 {
			select {
			case <-ticker.C:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err := ss.Send(&interopv1.Item{Index: i}); err != nil {
			return err
		}
	}
	return nil
}
