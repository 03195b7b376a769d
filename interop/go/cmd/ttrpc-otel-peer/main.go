// Command ttrpc-otel-peer is the Go side of the OpenTelemetry interop tests:
// containerd/otelttrpc's interceptors on the real containerd/ttrpc, with an
// in-memory span exporter.
//
//	ttrpc-otel-peer -serve SOCKET
//	    Serves ttrpc.interop.v1.Interop with otelttrpc's server interceptor.
//	    Prints READY once listening; on SIGTERM/SIGINT or stdin EOF it stops
//	    and prints one JSON line {"spans":[...]}.
//	ttrpc-otel-peer -call SOCKET -method EchoEmpty|Fail [-code N] [-message S]
//	    Starts a parent span "go-parent" (with baggage peer=go), calls the
//	    method through otelttrpc's client interceptor, ends the parent and
//	    prints one JSON line {"error":"...","code":N,"spans":[...]}.
//
// Both modes use the W3C trace-context and baggage propagators and record
// message events (otelttrpc.WithMessageEvents).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/containerd/otelttrpc"
	"github.com/containerd/ttrpc"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	interopv1 "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/logging"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/service"
	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/serving"
)

func main() {
	serve := flag.String("serve", "", "serve on this unix socket")
	call := flag.String("call", "", "call the server on this unix socket")
	method := flag.String("method", "EchoEmpty", "method to call: EchoEmpty or Fail")
	code := flag.Int("code", 0, "Fail: status code to ask for")
	message := flag.String("message", "", "Fail: status message to ask for")
	flag.Parse()
	logging.Silence()

	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	opts := []otelttrpc.Option{
		otelttrpc.WithTracerProvider(tp),
		otelttrpc.WithPropagators(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})),
		otelttrpc.WithMessageEvents(otelttrpc.ReceivedEvents, otelttrpc.SentEvents),
	}

	var err error
	switch {
	case *serve != "" && *call == "":
		err = runServer(*serve, opts, exporter)
	case *call != "" && *serve == "":
		err = runClient(*call, *method, int32(*code), *message, tp, opts, exporter)
	default:
		fmt.Fprintln(os.Stderr, "usage: ttrpc-otel-peer -serve SOCKET | -call SOCKET -method EchoEmpty|Fail [-code N] [-message S]")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ttrpc-otel-peer:", err)
		os.Exit(1)
	}
}

func runServer(socket string, opts []otelttrpc.Option, exporter *tracetest.InMemoryExporter) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()

	server, err := ttrpc.NewServer(ttrpc.WithUnaryServerInterceptor(otelttrpc.UnaryServerInterceptor(opts...)))
	if err != nil {
		return err
	}
	interopv1.RegisterInteropService(server, service.Interop{})
	if err := serving.Run(ctx, server, socket); err != nil {
		return err
	}
	return printJSON(report{Spans: spansOf(exporter)})
}

func runClient(socket, method string, code int32, message string, tp *sdktrace.TracerProvider, opts []otelttrpc.Option, exporter *tracetest.InMemoryExporter) error {
	conn, err := net.Dial("unix", socket)
	if err != nil {
		return err
	}
	client := ttrpc.NewClient(conn, ttrpc.WithUnaryClientInterceptor(otelttrpc.UnaryClientInterceptor(opts...)))
	defer client.Close()
	svc := interopv1.NewInteropClient(client)

	member, _ := baggage.NewMember("peer", "go")
	bag, _ := baggage.New(member)
	ctx, cancel := context.WithTimeout(baggage.ContextWithBaggage(context.Background(), bag), 10*time.Second)
	defer cancel()
	ctx, parent := tp.Tracer("ttrpc-otel-peer").Start(ctx, "go-parent")
	switch method {
	case "EchoEmpty":
		_, err = svc.EchoEmpty(ctx, &emptypb.Empty{})
	case "Fail":
		_, err = svc.Fail(ctx, &interopv1.FailRequest{Code: code, Message: message})
	default:
		err = fmt.Errorf("unknown method %q", method)
	}
	parent.End()

	r := report{Spans: spansOf(exporter)}
	if err != nil {
		s, _ := status.FromError(err)
		r.Error, r.Code = s.Message(), int32(s.Code())
	}
	return printJSON(r)
}

type report struct {
	Error string `json:"error,omitempty"`
	Code  int32  `json:"code,omitempty"`
	Spans []span `json:"spans"`
}

type span struct {
	TraceID      string         `json:"traceId"`
	SpanID       string         `json:"spanId"`
	ParentSpanID string         `json:"parentSpanId"`
	ParentRemote bool           `json:"parentRemote"`
	Name         string         `json:"name"`
	Kind         string         `json:"kind"`
	Scope        string         `json:"scope"`
	Attributes   map[string]any `json:"attributes"`
	Status       spanStatus     `json:"status"`
	Events       []event        `json:"events"`
}

type spanStatus struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

type event struct {
	Name       string         `json:"name"`
	Attributes map[string]any `json:"attributes"`
}

func spansOf(exporter *tracetest.InMemoryExporter) []span {
	out := []span{}
	for _, s := range exporter.GetSpans() {
		parent := ""
		if s.Parent.IsValid() {
			parent = s.Parent.SpanID().String()
		}
		events := []event{}
		for _, e := range s.Events {
			events = append(events, event{Name: e.Name, Attributes: attrMap(e.Attributes)})
		}
		out = append(out, span{
			TraceID:      s.SpanContext.TraceID().String(),
			SpanID:       s.SpanContext.SpanID().String(),
			ParentSpanID: parent,
			ParentRemote: s.Parent.IsRemote(),
			Name:         s.Name,
			Kind:         s.SpanKind.String(),
			Scope:        s.InstrumentationScope.Name,
			Attributes:   attrMap(s.Attributes),
			Status:       spanStatus{Code: s.Status.Code.String(), Description: s.Status.Description},
			Events:       events,
		})
	}
	return out
}

// attrMap keeps each attribute's JSON type (int64 stays a number).
func attrMap(attrs []attribute.KeyValue) map[string]any {
	out := map[string]any{}
	for _, kv := range attrs {
		out[string(kv.Key)] = kv.Value.AsInterface()
	}
	return out
}

func printJSON(r report) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Println(string(b))
	return err
}
