// Help texts shared by `--help` and kept in step with the README's CLI section.

/** How schemas are given; printed under every command's help. */
export const SCHEMA_HELP = `
Schemas:
  ttrpc servers cannot describe themselves, so every command needs the
  service definitions, given one or both ways:
    --proto FILE [-I DIR]    .proto files, compiled with buf (the optional
                             @bufbuild/buf package, TTRPC_BUF, or buf on
                             PATH) and cached; -I works like protoc's
                             (without it, the current directory).
                             google/protobuf/*.proto imports are built in.
    --descriptor-set FILE    a FileDescriptorSet, e.g. from
                             \`buf build -o set.binpb\` or
                             \`protoc --include_imports --descriptor_set_out=set.binpb\`
                             (a name ending in .json is read as JSON)
  Without these options, TTRPC_SCHEMA is used, e.g.
    export TTRPC_SCHEMA="-I protos --proto api/task.proto"`;

/** Address forms. */
export const ADDRESS_HELP = `
Addresses:
  /path/to/socket, unix:///path/to/socket, or @name for a Linux abstract
  socket; tcp://host:port (no authentication: keep it on 127.0.0.1);
  hvsock:///path/to/vmm.sock:PORT for a Firecracker / Cloud Hypervisor
  hybrid vsock; \\.pipe\name for a Windows named pipe.`;

/** Exit statuses; see exit-codes.ts. */
export const EXIT_HELP = `
Exit status:
  0      success
  1      usage error or bad input: options, request JSON, schema, unknown
         service or method
  2      cannot connect: no socket, connection refused, connect timeout
  64+N   the call failed with status code N, e.g. 65 CANCELLED,
         66 UNKNOWN, 67 INVALID_ARGUMENT, 68 DEADLINE_EXCEEDED (also when
         --timeout expires), 69 NOT_FOUND, 76 UNIMPLEMENTED (the server
         lacks the service or method), 77 INTERNAL, 78 UNAVAILABLE (the
         connection was lost)
  130    interrupted (Ctrl-C)`;

/** How `call` reads requests and prints responses. */
export const CALL_IO_HELP = `
Requests and responses:
  Unary and server-streaming methods take one request: the JSON argument,
  -d JSON, -d @FILE, or stdin (-d @- or a pipe). With none of these and a
  terminal on stdin, the request is {} (an empty message).
  Client-streaming and bidi methods read newline-delimited JSON, one
  request per line, from stdin or -d, and send each line as soon as it is
  read; end of input (Ctrl-D) closes the request stream.
  Responses are printed on stdout in the protobuf JSON mapping, one line
  per message as it arrives: indented on a terminal, compact in a pipe
  (--pretty / --no-pretty choose).
  A failed call prints "ttrpc: call failed: CODE_NAME (N): message" and
  one "detail:" line per status detail on stderr; details whose type is in
  the schema are decoded to JSON.`;

/** Examples for `ttrpc call`. */
export const CALL_EXAMPLES = `
Examples:
  # unary call, request as an argument
  $ ttrpc call /run/example.sock example.v1.Greeter/SayHello '{"name": "world"}' \\
      --proto example/v1/greeter.proto -I ./protos

  # a containerd shim: containerd's protos (here from Debian's Go source
  # packages), the namespace in metadata, a deadline
  $ ttrpc call unix:///run/containerd/s/9b1f... containerd.task.v2.Task/State \\
      '{"id": "my-container"}' -m containerd-namespace-ttrpc=k8s.io --timeout 2s \\
      -I /usr/share/gocode/src -I /usr/share/gocode/src/github.com/gogo/protobuf \\
      --proto github.com/containerd/containerd/runtime/v2/task/shim.proto

  # request from a file, schema from a descriptor set
  $ ttrpc call @my-agent example.v1.Agent/Configure -d @config.json --descriptor-set agent.binpb

  # server-streaming: one JSON line per response
  $ ttrpc call /tmp/demo.sock demo.v1.Logs/Follow '{"since": "10s"}' --proto logs.proto

  # client-streaming and bidi: one request per stdin line
  $ printf '{"add": 1}\\n{"add": 2}\\n' | ttrpc call /tmp/demo.sock demo.v1.Math/Sum --proto math.proto`;

/** Examples for `ttrpc list`. */
export const LIST_EXAMPLES = `
Examples:
  $ ttrpc list --proto api/task.proto -I ./protos
  $ ttrpc list containerd.task.v2.Task --descriptor-set task.binpb
  $ ttrpc list --names --descriptor-set task.binpb    # SERVICE/METHOD lines for \`ttrpc call\``;

/** Examples for `ttrpc describe`. */
export const DESCRIBE_EXAMPLES = `
Examples:
  $ ttrpc describe --proto greeter.proto                                # every service
  $ ttrpc describe example.v1.Greeter --proto greeter.proto             # a service
  $ ttrpc describe example.v1.Greeter/SayHello --proto greeter.proto    # a method and its messages
  $ ttrpc describe HelloRequest --proto greeter.proto                   # a message (short names work when unique)
  $ ttrpc describe example.v1.Greeter/SayHello --template --proto greeter.proto
                                                   # a JSON request to edit and pass to \`ttrpc call -d\``;

/** Examples for `ttrpc --help`: one of each command. */
export const TOP_EXAMPLES = `
Examples:
  $ ttrpc list --proto example/v1/greeter.proto -I ./protos
  $ ttrpc describe example.v1.Greeter/SayHello --proto example/v1/greeter.proto -I ./protos
  $ ttrpc call /run/example.sock example.v1.Greeter/SayHello '{"name": "world"}' \\
      --proto example/v1/greeter.proto -I ./protos
  $ ttrpc help call        # requests, responses, streaming and more examples`;

/** Examples for `ttrpc proxy`. */
export const PROXY_EXAMPLES = `
Examples:
  # Put the tap between a client and a server, decoding with its protos
  $ ttrpc proxy --listen /tmp/tap.sock --to /run/example.sock \\
      --proto example/v1/greeter.proto -I ./protos
  # Without a schema: methods, metadata, status and timing; messages as bytes
  $ ttrpc proxy --listen tcp://127.0.0.1:7000 --to /run/example.sock

Output (stdout), one line per event, [N] = connection, #ID = stream id:
  [1] #1 → pkg.Svc/Method metadata {...} timeout 2000ms
  [1] #1 → {"request":"as JSON"}
  [1] #1 ← {"response":"as JSON"}
  [1] #1 ← OK in 1.20ms`;
