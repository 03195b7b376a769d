import type { DescFile, DescMethod, DescService } from "@bufbuild/protobuf";
import type { GeneratedFile, ImportSymbol, Printable, Schema } from "@bufbuild/protoplugin";
import { docText, serviceSymbolDoc } from "./doc.js";
import type { PluginOptions } from "./options.js";
import { fileServiceNames, type ServiceNames } from "./service-names.js";

/** The kinds of file the plugin writes, as in protoplugin's `target` option. */
export type OutputTarget = "ts" | "js" | "dts";

const extensions: Record<OutputTarget, string> = { ts: ".ts", js: ".js", dts: ".d.ts" };

/** Symbols every generated file may use; each is imported only if printed. */
interface Symbols {
  readonly CallOptions: ImportSymbol;
  readonly Client: ImportSymbol;
  readonly Server: ImportSymbol;
  readonly HandlerContext: ImportSymbol;
  readonly MaybePromise: ImportSymbol;
  readonly createClient: ImportSymbol;
  readonly MessageInitShape: ImportSymbol;
  readonly Promise: ImportSymbol;
  readonly AsyncIterable: ImportSymbol;
  readonly Partial: ImportSymbol;
}

/**
 * Writes `<name>_ttrpc.{ts,js,d.ts}` for every file to generate that has
 * services. Files without services produce nothing.
 */
export function generateFiles(schema: Schema<PluginOptions>, target: OutputTarget): void {
  for (const file of schema.files) {
    if (file.services.length === 0) continue;
    const names = fileServiceNames(file);
    const f = schema.generateFile(`${file.name}_ttrpc${extensions[target]}`);
    f.preamble(file);
    const symbols = createSymbols(f, file, schema.options.runtimePackage);
    let first = true;
    for (const [service, n] of names) {
      if (!first) f.print();
      first = false;
      if (target !== "js") printTypes(f, service, n, symbols);
      printFunctions(f, service, n, symbols, target);
    }
  }
}

function createSymbols(f: GeneratedFile, file: DescFile, runtimePackage: string): Symbols {
  // Symbols "imported" from the file itself are never imported, but their
  // names count as taken: an imported message called `Promise` gets an
  // alias instead of shadowing the global our signatures use.
  const self = `./${file.name}_ttrpc.js`;
  return {
    CallOptions: f.import("CallOptions", runtimePackage, true),
    Client: f.import("Client", runtimePackage, true),
    Server: f.import("Server", runtimePackage, true),
    HandlerContext: f.import("HandlerContext", runtimePackage, true),
    MaybePromise: f.import("MaybePromise", runtimePackage, true),
    createClient: f.import("createClient", runtimePackage),
    MessageInitShape: f.import("MessageInitShape", "@bufbuild/protobuf", true),
    Promise: f.import("Promise", self, true),
    AsyncIterable: f.import("AsyncIterable", self, true),
    Partial: f.import("Partial", self, true),
  };
}

function printTypes(f: GeneratedFile, service: DescService, n: ServiceNames, s: Symbols): void {
  const wire = service.typeName;
  f.print(
    f.jsDoc(
      docText(service, [
        `The ttrpc service \`${wire}\`. Servers implement this interface, and {@link ${n.createClient}} returns a client that implements it too, so a client can stand in for an implementation: a proxy, or a fake in tests.`,
      ]),
    ),
  );
  f.print(f.export("interface", n.service), " {");
  printMembers(f, service, s, "service");
  f.print("}");
  f.print();
  f.print(
    f.jsDoc(
      serviceSymbolDoc(
        service,
        `A client for \`${wire}\`, from {@link ${n.createClient}}. It takes requests as init objects too, and is itself an implementation of {@link ${n.service}}.`,
      ),
    ),
  );
  f.print(f.export("interface", n.client), " extends ", n.service, " {");
  printMembers(f, service, s, "client");
  f.print("}");
  f.print();
  f.print(
    f.jsDoc(
      serviceSymbolDoc(
        service,
        `What {@link ${n.register}} accepts for \`${wire}\`: any implementation of {@link ${n.service}}, or handlers that take the server's {@link HandlerContext} and return init objects instead of messages, or values instead of promises.`,
      ),
    ),
  );
  f.print(f.export("interface", n.impl), " {");
  printMembers(f, service, s, "impl");
  f.print("}");
  f.print();
}

type Role = "service" | "client" | "impl";

function printMembers(f: GeneratedFile, service: DescService, s: Symbols, role: Role): void {
  service.methods.forEach((m, i) => {
    if (i > 0) f.print();
    f.print(f.jsDoc(docText(m), "  "));
    f.print("  ", m.localName, signature(f, m, s, role), ";");
  });
}

/** `(request: In, context?: CallOptions): Promise<Out>` and its variants. */
function signature(f: GeneratedFile, m: DescMethod, s: Symbols, role: Role): Printable[] {
  const shape = (desc: DescMethod["input"]): Printable => f.importShape(desc);
  const init = (desc: DescMethod["input"]): Printable => [s.MessageInitShape, "<typeof ", f.importSchema(desc, true), ">"];
  const request = role === "client" ? init(m.input) : shape(m.input);
  const response = role === "impl" ? init(m.output) : shape(m.output);
  const clientStreams = m.methodKind === "client_streaming" || m.methodKind === "bidi_streaming";
  const serverStreams = m.methodKind === "server_streaming" || m.methodKind === "bidi_streaming";
  const param: Printable = clientStreams ? ["requests: ", s.AsyncIterable, "<", request, ">"] : ["request: ", request];
  const context: Printable =
    role === "service"
      ? ["context?: ", s.CallOptions]
      : role === "client"
        ? ["options?: ", s.CallOptions]
        : ["context: ", s.HandlerContext];
  const result: Printable = serverStreams
    ? [s.AsyncIterable, "<", response, ">"]
    : [role === "impl" ? s.MaybePromise : s.Promise, "<", response, ">"];
  return ["(", param, ", ", context, "): ", result];
}

function printFunctions(f: GeneratedFile, service: DescService, n: ServiceNames, s: Symbols, target: OutputTarget): void {
  const desc = f.importSchema(service);
  // Only the service's own descriptor and `createClient` appear in the
  // bodies; a parameter must not shadow the descriptor of a service named
  // `client` or `server`.
  const client = service.name === "client" ? "client_" : "client";
  const server = service.name === "server" ? "server_" : "server";
  const impl = service.name === "impl" ? "impl_" : "impl";
  const wire = service.typeName;

  f.print(f.jsDoc(serviceSymbolDoc(service, `Creates a client for \`${wire}\` on a ttrpc connection.`)));
  switch (target) {
    case "ts":
      f.print(f.export("function", n.createClient), "(", client, ": ", s.Client, "): ", n.client, " {");
      f.print("  return ", s.createClient, "(", desc, ", ", client, ");");
      f.print("}");
      break;
    case "js":
      f.print(f.export("function", n.createClient), "(", client, ") {");
      f.print("  return ", s.createClient, "(", desc, ", ", client, ");");
      f.print("}");
      break;
    case "dts":
      f.print(f.export("declare function", n.createClient), "(", client, ": ", s.Client, "): ", n.client, ";");
      break;
  }
  f.print();
  f.print(
    f.jsDoc(
      serviceSymbolDoc(
        service,
        `Registers \`${impl}\` as \`${wire}\` on \`${server}\`. Methods it lacks answer UNIMPLEMENTED; registering the service twice throws.`,
      ),
    ),
  );
  switch (target) {
    case "ts":
      f.print(f.export("function", n.register), "(", server, ": ", s.Server, ", ", impl, ": ", s.Partial, "<", n.impl, ">): void {");
      f.print("  ", server, ".register(", desc, ", ", impl, ");");
      f.print("}");
      break;
    case "js":
      f.print(f.export("function", n.register), "(", server, ", ", impl, ") {");
      f.print("  ", server, ".register(", desc, ", ", impl, ");");
      f.print("}");
      break;
    case "dts":
      f.print(f.export("declare function", n.register), "(", server, ": ", s.Server, ", ", impl, ": ", s.Partial, "<", n.impl, ">): void;");
      break;
  }
}
