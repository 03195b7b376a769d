/** The files to generate, relative to the include paths. */
export declare const protos: readonly string[];
/** What generating needs: a path, and the Debian package or step that provides it. */
export declare const prerequisites: ReadonlyArray<readonly [path: string, from: string]>;
/** Generates into `out` (emptied first). Throws with protoc's message on failure. */
export declare function generate(out: string): void;
