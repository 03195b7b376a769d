import type { DescFile, DescService } from "@bufbuild/protobuf";

/** The exported names generated for one service `S`. */
export interface ServiceNames {
  /** `SService`: the interface both sides share. */
  readonly service: string;
  /** `SClient`: the client type, an `SService` that also takes init objects. */
  readonly client: string;
  /** `SServiceImpl`: what `registerSService` accepts. */
  readonly impl: string;
  /** `createSClient`. */
  readonly createClient: string;
  /** `registerSService`. */
  readonly register: string;
}

/** The names generated for `service`. */
export function serviceNames(service: DescService): ServiceNames {
  const n = service.name;
  const upper = n.charAt(0).toUpperCase() + n.slice(1);
  return {
    service: `${n}Service`,
    client: `${n}Client`,
    impl: `${n}ServiceImpl`,
    createClient: `create${upper}Client`,
    register: `register${upper}Service`,
  };
}

/**
 * The names for every service in `file`. Throws when two services would
 * export the same name (e.g. `Foo` and `foo`): silently renaming one would
 * make the generated API depend on declaration order.
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
