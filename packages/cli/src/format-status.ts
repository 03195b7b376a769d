import { type Registry, toJson } from "@bufbuild/protobuf";
import { type Any, AnySchema } from "@bufbuild/protobuf/wkt";
import { codeName } from "@ttrpc-ts/runtime";

/** The parts of a failed call's status that are printed. */
export interface PrintableStatus {
  readonly code: number;
  readonly rawMessage: string;
  readonly details: readonly Any[];
}

/**
 * Renders a failed call's status for stderr: the code name and number and
 * the message on the first line, then one line per detail. A detail whose
 * type is in the schema (or is a well-known type) is shown in the JSON
 * mapping, with `@type`; any other as its type URL and base64 bytes.
 */
export function formatStatus(status: PrintableStatus, registry: Registry): string {
  const lines = [`ttrpc: call failed: ${codeName(status.code)} (${status.code}): ${status.rawMessage}`];
  for (const detail of status.details) lines.push(`  detail: ${formatDetail(detail, registry)}`);
  return `${lines.join("\n")}\n`;
}

function formatDetail(detail: Any, registry: Registry): string {
  try {
    // Put @type first: it says what the rest of the object is.
    const { "@type": type, ...fields } = toJson(AnySchema, detail, { registry }) as { "@type"?: string };
    return JSON.stringify({ "@type": type, ...fields });
  } catch {
    const bytes = Buffer.from(detail.value).toString("base64");
    return `${detail.typeUrl} (type not in the schema) base64:${bytes}`;
  }
}
