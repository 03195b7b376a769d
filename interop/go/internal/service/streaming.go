package service

import (
	"context"
	"errors"
	"io"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/integration/streaming"
)

// Streaming implements ttrpc.integration.streaming.Streaming with the
// semantics documented in its proto file.
type Streaming struct{}

var _ streaming.StreamingService = Streaming{}

// EchoNullStreamFanout is how many Empty messages EchoNullStream sends per
// input message.
const EchoNullStreamFanout = 10

func (Streaming) Echo(_ context.Context, in *streaming.EchoPayload) (*streaming.EchoPayload, error) {
	return &streaming.EchoPayload{Seq: in.Seq + 1, Msg: in.Msg}, nil
}

func (Streaming) EchoStream(_ context.Context, ss streaming.Streaming_EchoStreamServer) error {
	for {
		in, err := ss.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := ss.Send(&streaming.EchoPayload{Seq: in.Seq + 1, Msg: in.Msg}); err != nil {
			return err
		}
	}
}

func (Streaming) SumStream(_ context.Context, ss streaming.Streaming_SumStreamServer) (*streaming.Sum, error) {
	var out streaming.Sum
	for {
		part, err := ss.Recv()
		if errors.Is(err, io.EOF) {
			return &out, nil
		}
		if err != nil {
			return nil, err
		}
		out.Sum += part.Add
		out.Num++
	}
}

func (Streaming) DivideStream(_ context.Context, in *streaming.Sum, ss streaming.Streaming_DivideStreamServer) error {
	adds, err := DivideParts(in.Sum, in.Num)
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	for _, add := range adds {
		if err := ss.Send(&streaming.Part{Add: add}); err != nil {
			return err
		}
	}
	return nil
}

func (Streaming) EchoNull(_ context.Context, ss streaming.Streaming_EchoNullServer) (*emptypb.Empty, error) {
	for want := uint32(0); ; want++ {
		in, err := ss.Recv()
		if errors.Is(err, io.EOF) {
			return &emptypb.Empty{}, nil
		}
		if err != nil {
			return nil, err
		}
		if in.Seq != want {
			return nil, status.Errorf(codes.InvalidArgument, "unexpected seq %d, expected %d", in.Seq, want)
		}
	}
}

func (Streaming) EchoNullStream(_ context.Context, ss streaming.Streaming_EchoNullStreamServer) error {
	for {
		_, err := ss.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		for i := 0; i < EchoNullStreamFanout; i++ {
			if err := ss.Send(&emptypb.Empty{}); err != nil {
				return err
			}
		}
	}
}

func (Streaming) EmptyPayloadStream(_ context.Context, _ *emptypb.Empty, ss streaming.Streaming_EmptyPayloadStreamServer) error {
	for seq := uint32(1); seq <= 2; seq++ {
		if err := ss.Send(&streaming.EchoPayload{Seq: seq}); err != nil {
			return err
		}
	}
	return nil
}
