// Command nri-mux-vectors prints how NRI's Go side frames ttrpc messages on
// its multiplexed connection (github.com/containerd/nri/pkg/net/multiplex
// under a github.com/containerd/ttrpc client, as in NRI's stub and runtime):
// for each request payload size it sends one request on connection 2 and
// records the multiplexer frames that reach the trunk. One JSON array on
// stdout: [{"payload":N,"message":M,"header":"hex of the first 8 bytes","frames":[len,...],"ids":[id,...]}].
package main

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/containerd/nri/pkg/net/multiplex"
	"github.com/containerd/ttrpc"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/logging"
)

type vector struct {
	Payload int      `json:"payload"`
	Message int      `json:"message"`
	Header  string   `json:"header"`
	Frames  []uint32 `json:"frames"`
	IDs     []uint32 `json:"ids"`
}

func capture(valueLen int) (vector, error) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	mux := multiplex.Multiplex(a)
	defer mux.Close()
	conn, err := mux.Open(multiplex.RuntimeServiceConn)
	if err != nil {
		return vector{}, err
	}
	client := ttrpc.NewClient(conn)
	defer client.Close()

	req := wrapperspb.Bytes(make([]byte, valueLen))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go func() {
		_ = client.Call(ctx, "nri.pkg.api.v1alpha1.Runtime", "RegisterPlugin", req, &wrapperspb.BytesValue{})
	}()

	v := vector{}
	var hdr [8]byte
	got, want := 0, -1
	for want < 0 || got < want {
		if _, err := io.ReadFull(b, hdr[:]); err != nil {
			return v, err
		}
		if v.Header == "" {
			v.Header = hex.EncodeToString(hdr[:])
		}
		id := binary.BigEndian.Uint32(hdr[0:4])
		n := binary.BigEndian.Uint32(hdr[4:8])
		buf := make([]byte, n)
		if _, err := io.ReadFull(b, buf); err != nil {
			return v, err
		}
		if want < 0 {
			// The first frame starts with the ttrpc header: payload length, uint32 BE.
			want = 10 + int(binary.BigEndian.Uint32(buf[0:4]))
			v.Payload = want - 10
		}
		got += int(n)
		v.Frames = append(v.Frames, n)
		v.IDs = append(v.IDs, id)
	}
	v.Message = got
	return v, nil
}

func main() {
	logging.Silence()
	// BytesValue field 1: tag + varint length + bytes, so the ttrpc Request
	// payload grows with the value; these land on and around the 4096 edge
	// and at the 4 MiB limit.
	sizes := []int{0, 1, 4027, 4028, 4029, 5000, 8192, 100000, 4*1024*1024 - 64}
	var out []vector
	for _, s := range sizes {
		v, err := capture(s)
		if err != nil {
			fmt.Fprintln(os.Stderr, "nri-mux-vectors:", err)
			os.Exit(1)
		}
		out = append(out, v)
	}
	enc, _ := json.Marshal(out)
	fmt.Println(string(enc))
}
