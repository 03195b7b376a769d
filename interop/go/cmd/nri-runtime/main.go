// Command nri-runtime is the runtime side of NRI for the TypeScript NRI kit's
// interop tests: it embeds github.com/containerd/nri/pkg/adaptation (the
// library containerd and CRI-O embed), lets one plugin connect (external, on
// -socket) or launches it from -plugin-dir (inherited socket, fd 3), then
// drives it through synchronization and a pod's and a container's life and
// prints what it saw as one JSON object on stdout.
//
//	nri-runtime -socket /tmp/x/nri.sock [-plugin-dir DIR] [-sync-containers N] [-sync-annotation-bytes B]
//
// With -socket it prints READY on stdout once the socket listens, then the
// JSON report when done. Exit status 0 when the scenario ran (the report says
// what happened), 1 when it could not run at all.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	nri "github.com/containerd/nri/pkg/adaptation"
	nrilog "github.com/containerd/nri/pkg/log"
)

type report struct {
	Registered         bool              `json:"registered"`
	SyncMessages       int               `json:"syncMessages"`
	SyncMoreMessages   int               `json:"syncMoreMessages"`
	SyncPods           int               `json:"syncPods"`
	SyncContainers     int               `json:"syncContainers"`
	SyncUpdates        []string          `json:"syncUpdates"`
	RunPodSandbox      string            `json:"runPodSandbox"`
	CreateContainer    *createResult     `json:"createContainer"`
	StartContainer     string            `json:"startContainer"`
	UpdateContainer    *updatesResult    `json:"updateContainer"`
	StopContainer      *updatesResult    `json:"stopContainer"`
	RemoveContainer    string            `json:"removeContainer"`
	StopPodSandbox     string            `json:"stopPodSandbox"`
	RemovePodSandbox   string            `json:"removePodSandbox"`
	UnsolicitedUpdates []unsolicited     `json:"unsolicitedUpdates"`
	PluginErrors       []string          `json:"pluginErrors"`
	Extra              map[string]string `json:"extra,omitempty"`
}

type createResult struct {
	Error       string            `json:"error"`
	Env         []string          `json:"env"`
	Annotations map[string]string `json:"annotations"` // values over 100 bytes are replaced by their length
	Updates     []string          `json:"updates"`
}

type updatesResult struct {
	Error   string   `json:"error"`
	Updates []string `json:"updates"`
}

type unsolicited struct {
	ContainerID string `json:"containerId"`
	CPUShares   uint64 `json:"cpuShares"`
}

// logger counts the adaptation's split-synchronization messages and keeps
// its errors; everything goes to stderr as well.
type logger struct {
	mu        sync.Mutex
	syncMsgs  int
	syncMore  int
	errors    []string
	debugEcho bool
}

func (l *logger) line(level, format string, args ...interface{}) string {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(os.Stderr, "nri-runtime %s: %s\n", level, msg)
	return msg
}

func (l *logger) Debugf(_ context.Context, format string, args ...interface{}) {
	msg := fmt.Sprintf(format, args...)
	if strings.HasPrefix(msg, "sending sync message") {
		l.mu.Lock()
		l.syncMsgs++
		if strings.HasSuffix(msg, "(more: true)") {
			l.syncMore++
		}
		l.mu.Unlock()
	}
	if l.debugEcho {
		fmt.Fprintf(os.Stderr, "nri-runtime debug: %s\n", msg)
	}
}
func (l *logger) Infof(_ context.Context, f string, a ...interface{}) { l.line("info", f, a...) }
func (l *logger) Warnf(_ context.Context, f string, a ...interface{}) { l.line("warn", f, a...) }
func (l *logger) Errorf(_ context.Context, f string, a ...interface{}) {
	msg := l.line("error", f, a...)
	l.mu.Lock()
	l.errors = append(l.errors, msg)
	l.mu.Unlock()
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func updateIDs(us []*nri.ContainerUpdate) []string {
	ids := []string{}
	for _, u := range us {
		ids = append(ids, u.GetContainerId())
	}
	return ids
}

func main() {
	socket := flag.String("socket", "", "unix socket external plugins connect to")
	pluginDir := flag.String("plugin-dir", "", "launch the plugins in this directory (IDX-NAME executables) instead of waiting for an external one")
	syncPods := flag.Int("sync-pods", 1, "pods in the runtime's state when the plugin synchronizes")
	syncContainers := flag.Int("sync-containers", 3, "containers in the runtime's state when the plugin synchronizes")
	syncAnnotationBytes := flag.Int("sync-annotation-bytes", 0, "size of one annotation on each synchronized container (makes Synchronize split when the total exceeds 4 MiB)")
	waitPlugin := flag.Duration("wait-plugin", 20*time.Second, "how long to wait for the plugin to connect and synchronize")
	waitUpdate := flag.Duration("wait-update", 5*time.Second, "how long to wait for the plugin's UpdateContainers call")
	debug := flag.Bool("debug", false, "echo the adaptation's debug log on stderr")
	flag.Parse()
	if *socket == "" {
		fmt.Fprintln(os.Stderr, "nri-runtime: -socket is required")
		os.Exit(2)
	}

	if *syncPods < 1 {
		fmt.Fprintln(os.Stderr, "nri-runtime: -sync-pods must be at least 1")
		os.Exit(2)
	}
	log := &logger{debugEcho: *debug}
	nrilog.Set(log)

	rep := &report{SyncUpdates: []string{}, UnsolicitedUpdates: []unsolicited{}, PluginErrors: []string{}}
	var mu sync.Mutex
	synced := make(chan struct{}, 1)
	updated := make(chan struct{}, 1)

	var pods []*nri.PodSandbox
	for i := 0; i < *syncPods; i++ {
		id := fmt.Sprintf("pod%d", i)
		pods = append(pods, &nri.PodSandbox{Id: id, Name: id, Uid: "uid-" + id, Namespace: "default"})
	}
	var containers []*nri.Container
	for i := 0; i < *syncContainers; i++ {
		c := &nri.Container{
			Id:           fmt.Sprintf("sync-ctr-%d", i),
			PodSandboxId: pods[i%len(pods)].Id,
			Name:         fmt.Sprintf("sync-ctr-%d", i),
			State:        nri.ContainerState_CONTAINER_RUNNING,
			Annotations:  map[string]string{},
		}
		if *syncAnnotationBytes > 0 {
			c.Annotations["bulk"] = strings.Repeat(string(rune('a'+i%26)), *syncAnnotationBytes)
		}
		containers = append(containers, c)
	}

	// Start synchronizes the pre-installed plugins, even when there are none;
	// in external mode only a later call (an external plugin) counts.
	var started atomic.Bool
	syncFn := func(ctx context.Context, cb nri.SyncCB) error {
		updates, err := cb(ctx, pods, containers)
		if *pluginDir == "" && !started.Load() {
			return err
		}
		mu.Lock()
		rep.Registered = err == nil
		rep.SyncPods = len(pods)
		rep.SyncContainers = len(containers)
		rep.SyncUpdates = updateIDs(updates)
		mu.Unlock()
		if err != nil {
			return err
		}
		select {
		case synced <- struct{}{}:
		default:
		}
		return nil
	}
	updateFn := func(_ context.Context, us []*nri.ContainerUpdate) ([]*nri.ContainerUpdate, error) {
		mu.Lock()
		for _, u := range us {
			rep.UnsolicitedUpdates = append(rep.UnsolicitedUpdates, unsolicited{
				ContainerID: u.GetContainerId(),
				CPUShares:   u.GetLinux().GetResources().GetCpu().GetShares().GetValue(),
			})
		}
		mu.Unlock()
		select {
		case updated <- struct{}{}:
		default:
		}
		return nil, nil
	}

	tmp, err := os.MkdirTemp("", "nri-runtime-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "nri-runtime:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(tmp)
	dir := *pluginDir
	if dir == "" {
		dir = tmp // empty: no pre-installed plugins
	}
	r, err := nri.New("ttrpc-ts-interop", "v0.0.1", syncFn, updateFn,
		nri.WithSocketPath(*socket), nri.WithPluginPath(dir), nri.WithPluginConfigPath(tmp))
	if err != nil {
		fmt.Fprintln(os.Stderr, "nri-runtime:", err)
		os.Exit(1)
	}
	// Start launches pre-installed plugins and waits for their registration
	// and synchronization; then it listens for external ones.
	if err := r.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "nri-runtime: start:", err)
		os.Exit(1)
	}
	started.Store(true)
	fmt.Println("READY")

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-synced:
	case <-time.After(*waitPlugin):
		log.Errorf(context.TODO(), "no plugin registered and synchronized within %s", *waitPlugin)
	case <-sigs:
		r.Stop()
		os.Exit(1)
	}

	// The plugin joins the runtime's plugin list after synchronizing, under
	// the sync lock: taking and releasing it waits for that.
	r.BlockPluginSync().Unblock()
	ctx := context.Background()
	if rep.Registered {
		drive(ctx, r, rep)
		select {
		case <-updated:
		case <-time.After(*waitUpdate):
		}
	}
	r.Stop()

	log.mu.Lock()
	rep.SyncMessages = log.syncMsgs
	rep.SyncMoreMessages = log.syncMore
	rep.PluginErrors = append(rep.PluginErrors, log.errors...)
	log.mu.Unlock()
	mu.Lock()
	out, _ := json.Marshal(rep)
	mu.Unlock()
	fmt.Println(string(out))
}

// drive sends one pod's and one container's life through the plugins.
func drive(ctx context.Context, r *nri.Adaptation, rep *report) {
	run := &nri.PodSandbox{Id: "pod1", Name: "web", Uid: "uid-pod1", Namespace: "default",
		Labels: map[string]string{"app": "web"}}
	ctr := &nri.Container{
		Id:           "ctr1",
		PodSandboxId: run.Id,
		Name:         "app",
		State:        nri.ContainerState_CONTAINER_CREATED,
		Env:          []string{"PATH=/bin"},
		Annotations:  map[string]string{"orig": "yes"},
		Args:         []string{"/bin/sh"},
	}

	rep.RunPodSandbox = errString(r.RunPodSandbox(ctx, &nri.RunPodSandboxRequest{Pod: run}))

	cres, err := r.CreateContainer(ctx, &nri.CreateContainerRequest{Pod: run, Container: ctr})
	cr := &createResult{Error: errString(err), Env: []string{}, Annotations: map[string]string{}, Updates: []string{}}
	if cres != nil {
		for _, kv := range cres.GetAdjust().GetEnv() {
			cr.Env = append(cr.Env, kv.GetKey()+"="+kv.GetValue())
		}
		for k, v := range cres.GetAdjust().GetAnnotations() {
			if len(v) > 100 {
				v = fmt.Sprintf("<%d bytes>", len(v))
			}
			cr.Annotations[k] = v
		}
		cr.Updates = updateIDs(cres.GetUpdate())
	}
	rep.CreateContainer = cr

	ctr.State = nri.ContainerState_CONTAINER_RUNNING
	rep.StartContainer = errString(r.StartContainer(ctx, &nri.StartContainerRequest{Pod: run, Container: ctr}))

	ures, err := r.UpdateContainer(ctx, &nri.UpdateContainerRequest{Pod: run, Container: ctr,
		LinuxResources: &nri.LinuxResources{Cpu: &nri.LinuxCPU{Shares: nri.UInt64(512)}}})
	rep.UpdateContainer = &updatesResult{Error: errString(err), Updates: updateIDs(ures.GetUpdate())}

	ctr.State = nri.ContainerState_CONTAINER_STOPPED
	sres, err := r.StopContainer(ctx, &nri.StopContainerRequest{Pod: run, Container: ctr})
	rep.StopContainer = &updatesResult{Error: errString(err), Updates: updateIDs(sres.GetUpdate())}

	rep.RemoveContainer = errString(r.RemoveContainer(ctx, &nri.RemoveContainerRequest{Pod: run, Container: ctr}))
	rep.StopPodSandbox = errString(r.StopPodSandbox(ctx, &nri.StopPodSandboxRequest{Pod: run}))
	rep.RemovePodSandbox = errString(r.RemovePodSandbox(ctx, &nri.RemovePodSandboxRequest{Pod: run}))
}
