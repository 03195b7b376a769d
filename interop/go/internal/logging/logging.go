// Package logging controls the containerd/ttrpc library's log output.
package logging

import (
	"io"

	"github.com/containerd/log"
)

// Silence discards everything the ttrpc library logs (it logs through
// containerd/log, i.e. logrus, to stderr by default).
func Silence() {
	log.L.Logger.SetOutput(io.Discard)
}
