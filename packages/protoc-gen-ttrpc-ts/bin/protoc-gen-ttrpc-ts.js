#!/usr/bin/env node
// The protoc/buf plugin binary. It has a .js extension because Node.js before
// 20.10 refuses extensionless ES modules in "type": "module" packages.
import { runNodeJs } from "@bufbuild/protoplugin";
import { protocGenTtrpcTs } from "../dist/esm/index.js";

runNodeJs(protocGenTtrpcTs);
