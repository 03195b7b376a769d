package service

import (
	"google.golang.org/genproto/googleapis/rpc/status"
	grpcstatus "google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"

	interopv1 "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
)

// ErrorDetailTypeURL is the type URL of the Any in Fail's status detail.
const ErrorDetailTypeURL = "type.googleapis.com/ttrpc.interop.v1.ErrorDetail"

// FailStatus builds the status Interop.Fail returns: (code, message) and,
// when withDetail is set, one ErrorDetail{reason: message, number: code}.
func FailStatus(code int32, message string, withDetail bool) *grpcstatus.Status {
	st := &status.Status{Code: code, Message: message}
	if withDetail {
		detail, err := anypb.New(&interopv1.ErrorDetail{Reason: message, Number: int64(code)})
		if err != nil {
			panic(err) // marshalling a two-field message cannot fail
		}
		st.Details = append(st.Details, detail)
	}
	return grpcstatus.FromProto(st)
}
