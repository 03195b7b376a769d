import { basename } from "node:path";

/** Name and index of a plugin, as the runtime orders and shows it (`IDX-NAME`). */
export interface PluginIdentity {
  readonly name: string;
  readonly idx: string;
}

/** Environment variables NRI sets for a plugin it launches itself. */
export const PLUGIN_NAME_ENV = "NRI_PLUGIN_NAME";
/** See {@link PLUGIN_NAME_ENV}. */
export const PLUGIN_IDX_ENV = "NRI_PLUGIN_IDX";

/** Throws unless `idx` is two digits, as NRI requires. */
export function checkPluginIndex(idx: string): void {
  if (!/^[0-9]{2}$/.test(idx)) throw new Error(`invalid NRI plugin index ${JSON.stringify(idx)}: must be 2 digits`);
}

/** Throws unless `name` is non-empty and only has characters NRI allows ([a-zA-Z0-9_.+-]). */
export function checkPluginName(name: string): void {
  if (!/^[a-zA-Z0-9_.+-]+$/.test(name))
    throw new Error(`invalid NRI plugin name ${JSON.stringify(name)}: must be non-empty [a-zA-Z0-9_.+-]`);
}

/**
 * Works out the plugin's identity the way NRI's Go stub does: explicit
 * values, then NRI_PLUGIN_NAME / NRI_PLUGIN_IDX, then the program's file
 * name when it is `IDX-NAME` (how the runtime launches pre-installed plugins).
 */
export function resolvePluginIdentity(
  given: { name?: string | undefined; idx?: string | undefined },
  env: NodeJS.ProcessEnv,
  program: string | undefined,
): PluginIdentity {
  let name = given.name || env[PLUGIN_NAME_ENV] || "";
  let idx = given.idx || env[PLUGIN_IDX_ENV] || "";
  const base = program ? basename(program).replace(/\.(m|c)?[jt]s$/, "") : "";
  if (!idx) {
    const m = /^([0-9]{2})-(.+)$/.exec(base);
    if (!m)
      throw new Error(
        `NRI plugin index unknown: pass idx, set ${PLUGIN_IDX_ENV}, or name the program IDX-NAME (got ${JSON.stringify(base)})`,
      );
    idx = m[1]!;
    name ||= m[2]!;
  }
  name ||= base;
  checkPluginIndex(idx);
  checkPluginName(name);
  return { name, idx };
}
