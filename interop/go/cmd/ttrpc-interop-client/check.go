package main

import (
	"errors"
	"fmt"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
)

// expectEqual fails when got is not proto.Equal to want (NaNs compare equal).
func expectEqual(what string, want, got proto.Message) error {
	if proto.Equal(want, got) {
		return nil
	}
	return fmt.Errorf("%s: mismatch\nwant: %s\n got: %s", what, short(want), short(got))
}

func short(m proto.Message) string {
	s := prototext.MarshalOptions{}.Format(m)
	if len(s) > 600 {
		s = s[:600] + "...(truncated)"
	}
	return s
}

// expectStatus checks that err is a status with the given code and, unless
// msg is nil, exactly the given message.
func expectStatus(what string, err error, code codes.Code, msg *string) (*status.Status, error) {
	if err == nil {
		return nil, fmt.Errorf("%s: got success, want status %s", what, code)
	}
	// Unwrap to the status itself: status.FromError on a wrapping error (such
	// as *ttrpc.OversizedMessageErr) reports the wrapper's text as message.
	var se interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &se) {
		return nil, fmt.Errorf("%s: got non-status error %q (%T), want status %s", what, err, err, code)
	}
	st := se.GRPCStatus()
	if st.Code() != code {
		return nil, fmt.Errorf("%s: got code %s (%d) %q, want %s (%d)", what, st.Code(), st.Code(), st.Message(), code, code)
	}
	if msg != nil && st.Message() != *msg {
		return nil, fmt.Errorf("%s: got message %q, want %q", what, st.Message(), *msg)
	}
	return st, nil
}

func ptr[V any](v V) *V { return &v }

// parallel runs fn(0..n-1) concurrently and returns the first error (by
// index) together with how many calls failed.
func parallel(n int, fn func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	failed := 0
	var first error
	for _, err := range errs {
		if err != nil {
			failed++
			if first == nil {
				first = err
			}
		}
	}
	if first != nil {
		return fmt.Errorf("%d of %d failed; first: %w", failed, n, first)
	}
	return nil
}
