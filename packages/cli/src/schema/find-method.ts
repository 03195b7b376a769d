import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { CliError } from "../cli-error.js";
import type { Schema } from "./schema.js";

/**
 * Finds a service by name: fully qualified (`pkg.Svc`, a leading dot is
 * allowed), or its simple name or a trailing part of its full name when
 * that is unambiguous (`Svc`, `v1.Svc`).
 */
export function findService(schema: Schema, name: string): DescService {
  const want = name.replace(/^\./, "");
  const exact = schema.services.find((s) => s.typeName === want);
  if (exact) return exact;
  const matches = schema.services.filter((s) => s.typeName.endsWith(`.${want}`));
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    throw new CliError(`service name "${name}" is ambiguous: ${matches.map((s) => s.typeName).join(", ")}`);
  }
  const known = schema.services.map((s) => s.typeName);
  throw new CliError(
    `unknown service "${want}": not in the given schemas` +
      (known.length > 0 ? ` (services: ${known.join(", ")})` : " (they define no services)"),
  );
}

/**
 * Resolves the METHOD argument of `ttrpc call`: `pkg.Svc/Method`,
 * `/pkg.Svc/Method` or `pkg.Svc.Method`, where the service part may be
 * shortened as in {@link findService}. Method names are matched exactly as
 * written in the proto, which is the name sent on the wire.
 */
export function findMethod(schema: Schema, text: string): DescMethod {
  const t = text.replace(/^\//, "");
  const slash = t.lastIndexOf("/");
  const dot = t.lastIndexOf(".");
  const cut = slash >= 0 ? slash : dot;
  if (cut <= 0 || cut === t.length - 1) {
    throw new CliError(`invalid method "${text}": expected SERVICE/METHOD, e.g. containerd.task.v2.Task/State`);
  }
  const service = findService(schema, t.slice(0, cut));
  const name = t.slice(cut + 1);
  const method = service.methods.find((m) => m.name === name);
  if (method) return method;
  const near = service.methods.find((m) => m.name.toLowerCase() === name.toLowerCase());
  const hint = near ? ` (did you mean ${near.name}?)` : ` (methods: ${service.methods.map((m) => m.name).join(", ") || "none"})`;
  throw new CliError(`service ${service.typeName} has no method "${name}"${hint}`);
}
