package main

import (
	"fmt"
	"math"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/integration/streaming"
	pb "github.com/ttrpc-ts/ttrpc-ts/interop/go/gen/ttrpc/interop/v1"
)

// echoAll sends each message to Interop.Echo and expects it back unchanged.
func echoAll(t *T, msgs map[string]*pb.AllTypes) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	for name, in := range msgs {
		got, err := c.interop.Echo(t.ctx, in)
		if err != nil {
			return fmt.Errorf("%s: Echo: %w", name, err)
		}
		if err := expectEqual(name, in, got); err != nil {
			return err
		}
	}
	return nil
}

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func caseEchoScalars(t *T) error {
	return echoAll(t, map[string]*pb.AllTypes{
		"max": {
			FDouble: math.MaxFloat64, FFloat: math.MaxFloat32,
			FInt32: math.MaxInt32, FInt64: math.MaxInt64,
			FUint32: math.MaxUint32, FUint64: math.MaxUint64,
			FSint32: math.MaxInt32, FSint64: math.MaxInt64,
			FFixed32: math.MaxUint32, FFixed64: math.MaxUint64,
			FSfixed32: math.MaxInt32, FSfixed64: math.MaxInt64,
			FBool: true, FString: "max", FBytes: []byte{0xff},
			FEnum: pb.Color_COLOR_BLUE, FMaxField: math.MaxInt32,
		},
		"min": {
			FDouble: -math.MaxFloat64, FFloat: -math.MaxFloat32,
			FInt32: math.MinInt32, FInt64: math.MinInt64,
			FUint32: 1, FUint64: 1,
			FSint32: math.MinInt32, FSint64: math.MinInt64,
			FFixed32: 1, FFixed64: 1,
			FSfixed32: math.MinInt32, FSfixed64: math.MinInt64,
			FString: "min", FBytes: []byte{0},
			FEnum: pb.Color_COLOR_NEGATIVE, FMaxField: math.MinInt32,
		},
		"minus_one": {
			FDouble: -1, FFloat: -1, FInt32: -1, FInt64: -1,
			FUint32: 1 << 31, FUint64: 1 << 63,
			FSint32: -1, FSint64: -1, FSfixed32: -1, FSfixed64: -1,
			FFixed32: 1 << 31, FFixed64: 1 << 63, FMaxField: -1,
		},
		"js_precision": {
			FInt64: 1<<53 + 1, FUint64: 1<<64 - 2, FSint64: -(1<<53 + 1),
			FFixed64: 1<<53 + 1, FSfixed64: -(1<<62 + 3),
			FDouble: 0.1, FFloat: 0.1,
		},
		"nan":     {FDouble: math.NaN(), FFloat: float32(math.NaN())},
		"inf":     {FDouble: math.Inf(1), FFloat: float32(math.Inf(-1))},
		"neg_inf": {FDouble: math.Inf(-1), FFloat: float32(math.Inf(1))},
		"tiny":    {FDouble: math.SmallestNonzeroFloat64, FFloat: math.SmallestNonzeroFloat32},
		"unicode": {
			FString: "héllo wörld ✓ 日本語 🚀 עברית e\u0301 \x00 tab\tnewline\n",
			FBytes:  []byte("🚀"),
		},
		"binary_bytes": {FBytes: allBytes(), FString: strings.Repeat("x", 300)},
		"empty_bytes":  {FBytes: []byte{}, FString: "", FBool: true},
	})
}

func caseEchoRepeated(t *T) error {
	many := make([]int32, 1000)
	for i := range many {
		many[i] = int32(i*7919) - 3_000_000
	}
	return echoAll(t, map[string]*pb.AllTypes{
		"numbers": {
			RInt32:    []int32{0, 1, -1, math.MaxInt32, math.MinInt32},
			RInt64:    []int64{0, -1, math.MaxInt64, math.MinInt64, 1<<53 + 1},
			RUint64:   []uint64{0, 1, math.MaxUint64},
			RSint64:   []int64{-1, 1, math.MinInt64, math.MaxInt64},
			RFixed32:  []uint32{0, math.MaxUint32},
			RSfixed64: []int64{math.MinInt64, 0, math.MaxInt64},
			RDouble:   []float64{0, -1.5, math.Inf(1), math.NaN(), math.MaxFloat64},
			RFloat:    []float32{0, 1.25, float32(math.Inf(-1))},
			RBool:     []bool{true, false, true},
			REnum:     []pb.Color{pb.Color_COLOR_RED, pb.Color_COLOR_UNSPECIFIED, pb.Color_COLOR_NEGATIVE},
		},
		"many": {RInt32: many},
		"strings_and_bytes": {
			RString: []string{"", "a", "ünï", "", strings.Repeat("long", 100)},
			RBytes:  [][]byte{{}, {0}, allBytes(), {}},
		},
		"messages": {
			RNested: []*pb.Nested{
				{},
				{Name: "one", Value: 1},
				{Inner: &pb.Nested_Inner{}},
				{Name: "deep", Child: &pb.Nested{Child: &pb.Nested{Value: -3}}},
			},
		},
		"single_elements": {RInt32: []int32{0}, RString: []string{""}, RNested: []*pb.Nested{{}}},
	})
}

func caseEchoMaps(t *T) error {
	big := make(map[string]string, 200)
	for i := 0; i < 200; i++ {
		big[fmt.Sprintf("key-%03d", i)] = strings.Repeat("v", i)
	}
	return echoAll(t, map[string]*pb.AllTypes{
		"strings": {MString: map[string]string{"a": "1", "": "empty key", "empty value": "", "ünï": "cödé 🚀"}},
		"big":     {MString: big},
		"nested": {MNested: map[int32]*pb.Nested{
			0:             {},
			-1:            {Name: "negative key"},
			math.MaxInt32: {Value: 7, Inner: &pb.Nested_Inner{Tags: []string{"x", "y"}}},
			math.MinInt32: {Child: &pb.Nested{Name: "child"}},
			42:            {Inner: &pb.Nested_Inner{}},
		}},
	})
}

// nestedChain returns a Nested chain of the given depth.
func nestedChain(depth int) *pb.Nested {
	var n *pb.Nested
	for i := depth; i > 0; i-- {
		n = &pb.Nested{Name: fmt.Sprintf("level-%d", i), Value: int32(i), Child: n}
	}
	return n
}

func caseEchoNested(t *T) error {
	return echoAll(t, map[string]*pb.AllTypes{
		"inner": {FNested: &pb.Nested{
			Name: "outer", Value: -5,
			Inner: &pb.Nested_Inner{Tags: []string{"a", "", "c"}, Blob: allBytes(), Counter: math.MinInt64},
		}},
		"empty_present":       {FNested: &pb.Nested{}},
		"empty_inner_present": {FNested: &pb.Nested{Inner: &pb.Nested_Inner{}}},
		"depth_64":            {FNested: nestedChain(64)},
	})
}

func caseEchoOneofOptional(t *T) error {
	return echoAll(t, map[string]*pb.AllTypes{
		"oneof_string":       {Choice: &pb.AllTypes_OString{OString: "chosen"}},
		"oneof_empty_string": {Choice: &pb.AllTypes_OString{OString: ""}},
		"oneof_int64_zero":   {Choice: &pb.AllTypes_OInt64{OInt64: 0}},
		"oneof_int64_min":    {Choice: &pb.AllTypes_OInt64{OInt64: math.MinInt64}},
		"oneof_nested_empty": {Choice: &pb.AllTypes_ONested{ONested: &pb.Nested{}}},
		"oneof_nested":       {Choice: &pb.AllTypes_ONested{ONested: &pb.Nested{Name: "n", Value: 3}}},
		"optional_zero":      {OptInt32: proto.Int32(0), OptString: proto.String("")},
		"optional_values":    {OptInt32: proto.Int32(-7), OptString: proto.String("set")},
		"optional_one_set":   {OptString: proto.String("only string")},
	})
}

func caseEchoEmptyMessage(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	got, err := c.interop.Echo(t.ctx, &pb.AllTypes{})
	if err != nil {
		return fmt.Errorf("Echo: %w", err)
	}
	if n := proto.Size(got); n != 0 {
		return fmt.Errorf("reply encodes to %d bytes, want 0: %s", n, short(got))
	}
	return nil
}

func caseEchoEmpty(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	for i := 0; i < 3; i++ {
		if _, err := c.interop.EchoEmpty(t.ctx, &emptypb.Empty{}); err != nil {
			return fmt.Errorf("EchoEmpty #%d: %w", i, err)
		}
	}
	return nil
}

// caseEchoLarge echoes a ~3 MiB message (well under the limit but spread
// over many socket reads).
func caseEchoLarge(t *T) error {
	blob := make([]byte, 3<<20)
	for i := range blob {
		blob[i] = byte(i * 31)
	}
	strs := make([]string, 2000)
	for i := range strs {
		strs[i] = fmt.Sprintf("item-%d-%s", i, strings.Repeat("z", i%50))
	}
	return echoAll(t, map[string]*pb.AllTypes{"large": {FBytes: blob, RString: strs}})
}

func caseStreamingUnaryEcho(t *T) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	for _, in := range []*streaming.EchoPayload{
		{Seq: 41, Msg: "hi"},
		{Seq: 0, Msg: ""},
		{Seq: math.MaxUint32 - 1, Msg: "ünïcödé 🚀"},
	} {
		got, err := c.streaming.Echo(t.ctx, in)
		if err != nil {
			return fmt.Errorf("Streaming.Echo(%d): %w", in.Seq, err)
		}
		want := &streaming.EchoPayload{Seq: in.Seq + 1, Msg: in.Msg}
		if err := expectEqual("Streaming.Echo", want, got); err != nil {
			return err
		}
	}
	return nil
}
