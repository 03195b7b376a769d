#!/usr/bin/env node
// Entry point of the `ttrpc` command.
import { main } from "../program.js";

const code = await main(process.argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
// Exit explicitly once stdout is flushed: a request stream may still be
// waiting on stdin, which would otherwise keep the process alive.
process.exitCode = code;
process.stdout.write("", () => process.exit(code));
