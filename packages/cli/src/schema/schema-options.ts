/** The schema options every command takes. */
export interface SchemaOptions {
  /** `--proto FILE`, repeatable. */
  proto?: string[] | undefined;
  /** `-I DIR` / `--import-path DIR`, repeatable. */
  importPath?: string[] | undefined;
  /** `--descriptor-set FILE`, repeatable. */
  descriptorSet?: string[] | undefined;
}
