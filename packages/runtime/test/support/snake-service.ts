// A service with snake_case RPC names, built at run time from a
// FileDescriptorProto (like fixtures/awkward/v1/awkward.proto's do_thing).
import { create, createFileRegistry, type DescMessage, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

const file = create(FileDescriptorProtoSchema, {
  name: "testing/snake.proto",
  package: "testing.snake.v1",
  syntax: "proto3",
  messageType: [{ name: "Thing", field: [{ name: "value", number: 1, type: 9, label: 1, jsonName: "value" }] }],
  service: [
    {
      name: "Snake",
      method: [
        { name: "do_thing", inputType: ".testing.snake.v1.Thing", outputType: ".testing.snake.v1.Thing" },
        { name: "stream_things", inputType: ".testing.snake.v1.Thing", outputType: ".testing.snake.v1.Thing", serverStreaming: true },
      ],
    },
  ],
});

const registry = createFileRegistry(file, () => undefined);

/** `testing.snake.v1.Snake` with `do_thing` (unary) and `stream_things` (server-streaming). */
export const Snake = registry.getService("testing.snake.v1.Snake") as DescService;
/** `testing.snake.v1.Thing { string value = 1; }` */
export const ThingSchema = registry.getMessage("testing.snake.v1.Thing") as DescMessage;
