import type { DescFile, DescService } from "@bufbuild/protobuf";
import type { GeneratedFile, ImportSymbol, Printable, Schema } from "@bufbuild/protoplugin";
import { docText, serviceSymbolDoc } from "./doc.js";
import type { PluginOptions } from "./options.js";
import { fileServiceNames, type ServiceNames } from "./service-names.js";

/** The kinds of file the plugin writes, as in protoplugin's `target` option. */
export type OutputTarget = "ts" | "js" | "dts";

const extensions: Record<OutputTarget, string> = { ts: ".ts", js: ".js", dts: ".d.ts" };

/** Runtime symbols a generated file may use; each is imported only if printed. */
interface Symbols {
  readonly Client: ImportSymbol;
  readonly ServiceImpl: ImportSymbol;
  readonly Connection: ImportSymbol;
  readonly Server: ImportSymbol;
  readonly createClient: ImportSymbol;
  readonly Partial: ImportSymbol;
}

/**
 * One generated type per role. Each is the runtime's mapped type for the
 * service (so every signature is written once, in the runtime), re-declaring
 * each method only to carry the proto's comments as JSDoc.
 */
interface Role {
  readonly name: (n: ServiceNames) => string;
  readonly runtimeType: (s: Symbols) => ImportSymbol;
  readonly readonly: boolean;
  readonly doc: (wire: string, n: ServiceNames) => string;
}

const roles: readonly Role[] = [
  {
    name: (n) => n.client,
    runtimeType: (s) => s.Client,
    readonly: true,
    doc: (wire, n) =>
      `A client for \`${wire}\`, from {@link ${n.createClient}}. It takes requests as init objects too, and can itself be registered as an implementation (a proxy).`,
  },
  {
    name: (n) => n.impl,
    runtimeType: (s) => s.ServiceImpl,
    readonly: false,
    doc: (wire, n) =>
      `An implementation of \`${wire}\`, for {@link ${n.register}}: handlers get the request and the server's HandlerContext, and may return init objects and plain values instead of promises.`,
  },
];

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
  // names count as taken: an imported message called `Partial` gets an
  // alias instead of shadowing the global our signatures use.
  const self = `./${file.name}_ttrpc.js`;
  return {
    Client: f.import("Client", runtimePackage, true),
    ServiceImpl: f.import("ServiceImpl", runtimePackage, true),
    Connection: f.import("Connection", runtimePackage, true),
    Server: f.import("Server", runtimePackage, true),
    createClient: f.import("createClient", runtimePackage),
    Partial: f.import("Partial", self, true),
  };
}

function printTypes(f: GeneratedFile, service: DescService, n: ServiceNames, s: Symbols): void {
  const desc = f.importSchema(service, true);
  for (const role of roles) {
    const name = role.name(n);
    const mapped: Printable = [role.runtimeType(s), "<typeof ", desc, ">"];
    f.print(f.jsDoc(serviceSymbolDoc(service, role.doc(service.typeName, n))));
    if (service.methods.length === 0) {
      // No members to document: an alias, not an empty interface.
      f.print(f.export("type", name), " = ", mapped, ";");
    } else {
      f.print(f.export("interface", name), " extends ", mapped, " {");
      service.methods.forEach((m, i) => {
        if (i > 0) f.print();
        f.print(f.jsDoc(docText(m), "  "));
        f.print("  ", role.readonly ? "readonly " : "", m.localName, ": ", mapped, '["', m.localName, '"];');
      });
      f.print("}");
    }
    f.print();
  }
}

function printFunctions(f: GeneratedFile, service: DescService, n: ServiceNames, s: Symbols, target: OutputTarget): void {
  const desc = f.importSchema(service);
  // Only the service's own descriptor and `createClient` appear in the
  // bodies; a parameter must not shadow the descriptor of a service named
  // `connection`, `server` or `impl`.
  const connection = service.name === "connection" ? "connection_" : "connection";
  const server = service.name === "server" ? "server_" : "server";
  const impl = service.name === "impl" ? "impl_" : "impl";
  const wire = service.typeName;

  f.print(f.jsDoc(serviceSymbolDoc(service, `Creates a client for \`${wire}\` on a ttrpc connection.`)));
  switch (target) {
    case "ts":
      f.print(f.export("function", n.createClient), "(", connection, ": ", s.Connection, "): ", n.client, " {");
      f.print("  return ", s.createClient, "(", desc, ", ", connection, ");");
      f.print("}");
      break;
    case "js":
      f.print(f.export("function", n.createClient), "(", connection, ") {");
      f.print("  return ", s.createClient, "(", desc, ", ", connection, ");");
      f.print("}");
      break;
    case "dts":
      f.print(f.export("declare function", n.createClient), "(", connection, ": ", s.Connection, "): ", n.client, ";");
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
