package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/containerd/ttrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	pb "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
)

// maxMessage is ttrpc's frame payload limit (inclusive).
const maxMessage = 4 << 20

// sizeRequestForEnvelope returns a SizeRequest whose ttrpc Request envelope
// (service, method and payload; no metadata, no timeout) serializes to
// exactly envelopeLen bytes.
func sizeRequestForEnvelope(envelopeLen int, replySize int32) (*pb.SizeRequest, error) {
	req := &pb.SizeRequest{ReplySize: replySize}
	envelope := func() int {
		payload, err := proto.Marshal(req)
		if err != nil {
			panic(err)
		}
		return proto.Size(&ttrpc.Request{Service: "ttrpc.interop.v1.Interop", Method: "Size", Payload: payload})
	}
	n := envelopeLen - envelope() // a first guess; varint lengths make it approximate
	for i := 0; i < 8 && n >= 0; i++ {
		data := make([]byte, n)
		for j := range data {
			data[j] = byte(j % 251)
		}
		req.Data = data
		diff := envelopeLen - envelope()
		if diff == 0 {
			return req, nil
		}
		n += diff
	}
	return nil, fmt.Errorf("no SizeRequest gives a %d-byte envelope", envelopeLen)
}

func caseSizeExactLimit(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	req, err := sizeRequestForEnvelope(maxMessage, 16)
	if err != nil {
		return err
	}
	got, err := c.interop.Size(t.ctx, req)
	if err != nil {
		return fmt.Errorf("Size with a %d-byte request frame: %w", maxMessage, err)
	}
	want := &pb.SizeReply{Data: bytes.Repeat([]byte{'a'}, 16), ReceivedLen: int64(len(req.Data))}
	if err := expectEqual("Size reply", want, got); err != nil {
		return err
	}
	t.notef("request frame payload %d bytes, data %d bytes", maxMessage, len(req.Data))
	return nil
}

func caseSizeOverLimit(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	req, err := sizeRequestForEnvelope(maxMessage+1, 16)
	if err != nil {
		return err
	}
	_, err = c.interop.Size(t.ctx, req)
	wantMsg := fmt.Sprintf("message length %d exceed maximum message size of %d", maxMessage+1, maxMessage)
	if _, err := expectStatus("Size over the limit", err, codes.ResourceExhausted, &wantMsg); err != nil {
		return err
	}
	var oversized *ttrpc.OversizedMessageErr
	if !errors.As(err, &oversized) {
		t.notef("error is not a *ttrpc.OversizedMessageErr (%T)", err)
	}
	return echoStillWorks(t, c, "after the refused request")
}

func caseResponseOverLimit(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	closed := make(chan struct{})
	go func() {
		// UserOnCloseWait returns once the client saw the connection end.
		if c.raw.UserOnCloseWait(t.ctx) == nil {
			close(closed)
		}
	}()

	ctx, cancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer cancel()
	const replySize = 4194400
	_, err = c.interop.Size(ctx, &pb.SizeRequest{Data: []byte("x"), ReplySize: replySize})
	if errors.Is(err, ttrpc.ErrClosed) {
		t.notef("server_closed_connection=true")
		return fmt.Errorf("Size(reply_size %d): server closed the connection (%v) instead of answering ResourceExhausted; containerd/ttrpc's Go server does this", replySize, err)
	}
	if _, err := expectStatus(fmt.Sprintf("Size(reply_size %d)", replySize), err, codes.ResourceExhausted, nil); err != nil {
		return err
	}
	select {
	case <-closed:
		t.notef("server_closed_connection=true")
		return fmt.Errorf("server answered ResourceExhausted but then closed the connection")
	default:
	}
	return echoStillWorks(t, c, "after the oversized response")
}

// echoStillWorks makes one unary Echo on c and checks it.
func echoStillWorks(t *T, c *conn, when string) error {
	in := &pb.AllTypes{FString: "still alive", FInt32: 7}
	got, err := c.interop.Echo(t.ctx, in)
	if err != nil {
		return fmt.Errorf("Echo %s: %w", when, err)
	}
	return expectEqual("Echo "+when, in, got)
}
