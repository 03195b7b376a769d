/** The plugin's version, printed in generated files and by `--version`. Kept equal to package.json by a test. */
export const version = "v0.1.0";
