// Command ttrpc-interop-client runs the interop cases against a server that
// implements ttrpc.interop.v1.Interop and ttrpc.integration.streaming.Streaming
// (see interop/proto), using the real containerd/ttrpc client.
//
// For each case it prints one JSON line:
//
//	{"case":"echo_scalars","ok":true,"error":"","ms":3}
//
// with an extra "note" field when a case has something to report. It exits
// 1 if any case failed and 2 on a usage error.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ttrpc-ts/ttrpc-ts/interop/go/internal/logging"
)

// caseList collects -case values; each may be a comma-separated list.
type caseList []string

func (c *caseList) String() string { return strings.Join(*c, ",") }

func (c *caseList) Set(v string) error {
	for _, name := range strings.Split(v, ",") {
		if name = strings.TrimSpace(name); name != "" {
			*c = append(*c, name)
		}
	}
	return nil
}

type result struct {
	Case  string `json:"case"`
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	MS    int64  `json:"ms"`
	Note  string `json:"note,omitempty"`
}

func main() {
	var names caseList
	socket := flag.String("socket", "", "unix socket path of the server (a leading @ means an abstract socket)")
	flag.Var(&names, "case", "case to run; repeatable or comma-separated; \"all\" runs every case")
	list := flag.Bool("list", false, "print the case names and exit")
	timeout := flag.Duration("timeout", 30*time.Second, "time limit for each case")
	quiet := flag.Bool("quiet", false, "silence the ttrpc library's log output on stderr")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: ttrpc-interop-client -socket PATH -case NAME[,NAME...] [-case NAME] [-timeout D] [-quiet]")
		fmt.Fprintln(os.Stderr, "       ttrpc-interop-client -list")
		flag.PrintDefaults()
	}
	flag.Parse()

	if *list {
		for _, c := range allCases {
			fmt.Println(c.name)
		}
		return
	}
	selected, err := selectCases(names)
	if err != nil || *socket == "" || flag.NArg() > 0 {
		if err != nil {
			fmt.Fprintln(os.Stderr, "ttrpc-interop-client:", err)
		}
		flag.Usage()
		os.Exit(2)
	}
	if *quiet {
		logging.Silence()
	}

	failed := false
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	for _, c := range selected {
		r := runCase(c, *socket, *timeout)
		failed = failed || !r.OK
		if err := enc.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, "ttrpc-interop-client:", err)
			os.Exit(1)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// selectCases resolves the -case names (in the order given, "all" expanding
// to every case in registry order).
func selectCases(names []string) ([]testCase, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("no -case given")
	}
	byName := make(map[string]testCase, len(allCases))
	for _, c := range allCases {
		byName[c.name] = c
	}
	var out []testCase
	for _, name := range names {
		if name == "all" {
			out = append(out, allCases...)
			continue
		}
		c, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("unknown case %q (use -list)", name)
		}
		out = append(out, c)
	}
	return out, nil
}
