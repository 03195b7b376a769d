import type { DescFile, DescService } from "@bufbuild/protobuf";

/** The exported names generated for one service. */
export interface ServiceNames {
  /** `create<Base>Client`. */
  readonly createClient: string;
  /** `<Base>Client`: the client type, what `create<Base>Client` returns. */
  readonly client: string;
  /** `<Base>Impl`: the implementation type, what `register<Base>` accepts. */
  readonly impl: string;
  /** `register<Base>`. */
  readonly register: string;
}

/**
 * The base of the generated names: the service name with one trailing
 * `Service` removed, so `Greeter` and `GreeterService` both give
 * `GreeterClient` and a suffix is never doubled. A service called just
 * `Service` keeps its name.
 */
export function baseName(service: DescService): string {
  const n = service.name;
  return n.endsWith("Service") && n.length > "Service".length ? n.slice(0, -"Service".length) : n;
}

/** The names generated for `service`. */
export function serviceNames(service: DescService): ServiceNames {
  const base = baseName(service);
  const upper = base.charAt(0).toUpperCase() + base.slice(1);
  return {
    createClient: `create${upper}Client`,
    client: `${upper}Client`,
    impl: `${upper}Impl`,
    register: `register${upper}`,
  };
}

/**
 * The names for every service in `file`. Throws when two services would
 * export the same name (e.g. `Foo` and `foo`, or `Foo` and `FooService`):
 * silently renaming one would make the generated API depend on declaration
 * order.
 */
export function fileServiceNames(file: DescFile): Map<DescService, ServiceNames> {
  const owner = new Map<string, DescService>();
  const out = new Map<DescService, ServiceNames>();
  for (const service of file.services) {
    const names = serviceNames(service);
    for (const name of Object.values(names)) {
      const other = owner.get(name);
      if (other !== undefined) {
        throw new Error(`${file.proto.name}: services ${other.name} and ${service.name} would both generate ${name}; rename one of them`);
      }
      owner.set(name, service);
    }
    out.set(service, names);
  }
  return out;
}
