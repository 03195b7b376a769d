package main

import (
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/emptypb"

	pb "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/service"
)

func caseErrorsAllCodes(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	for code := int32(1); code <= 16; code++ {
		msg := fmt.Sprintf("failure %d (%s): ünïcödé ✗", code, codes.Code(code))
		if err := checkFail(t, c, code, msg, true); err != nil {
			return err
		}
	}
	for _, code := range []int32{2, 5, 13} {
		if err := checkFail(t, c, code, fmt.Sprintf("no detail %d", code), false); err != nil {
			return err
		}
	}
	if err := checkFail(t, c, 9, "", true); err != nil {
		return fmt.Errorf("empty message: %w", err)
	}
	if _, err := c.interop.Fail(t.ctx, &pb.FailRequest{Code: 0, Message: "ignored"}); err != nil {
		return fmt.Errorf("Fail(code 0) should succeed: %w", err)
	}
	return nil
}

// checkFail calls Interop.Fail and checks the status and its detail.
func checkFail(t *T, c *conn, code int32, msg string, withDetail bool) error {
	what := fmt.Sprintf("Fail(code %d, detail %v)", code, withDetail)
	_, err := c.interop.Fail(t.ctx, &pb.FailRequest{Code: code, Message: msg, WithDetail: withDetail})
	st, err := expectStatus(what, err, codes.Code(code), &msg)
	if err != nil {
		return err
	}
	details := st.Proto().GetDetails()
	if !withDetail {
		if len(details) != 0 {
			return fmt.Errorf("%s: got %d details, want none", what, len(details))
		}
		return nil
	}
	if len(details) != 1 {
		return fmt.Errorf("%s: got %d details, want 1", what, len(details))
	}
	if url := details[0].GetTypeUrl(); url != service.ErrorDetailTypeURL {
		return fmt.Errorf("%s: detail type_url %q, want %q", what, url, service.ErrorDetailTypeURL)
	}
	var detail pb.ErrorDetail
	if err := details[0].UnmarshalTo(&detail); err != nil {
		return fmt.Errorf("%s: decoding detail: %w", what, err)
	}
	return expectEqual(what+" detail", &pb.ErrorDetail{Reason: msg, Number: int64(code)}, &detail)
}

func caseUnknownService(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	err = c.raw.Call(t.ctx, "no.Such", "Svc", &emptypb.Empty{}, &emptypb.Empty{})
	_, err = expectStatus("call no.Such/Svc", err, codes.Unimplemented, ptr("service no.Such"))
	return err
}

func caseUnknownMethod(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	err = c.raw.Call(t.ctx, "ttrpc.interop.v1.Interop", "Nope", &emptypb.Empty{}, &emptypb.Empty{})
	if _, err = expectStatus("call Interop/Nope", err, codes.Unimplemented, ptr("method Nope")); err != nil {
		return err
	}
	// A method that exists on another service must not be found either.
	err = c.raw.Call(t.ctx, "ttrpc.interop.v1.Interop", "SumStream", &emptypb.Empty{}, &emptypb.Empty{})
	_, err = expectStatus("call Interop/SumStream", err, codes.Unimplemented, ptr("method SumStream"))
	return err
}
