// A one-layer OCI image of the host's static busybox, as an image-layout tar
// that `ctr images import` takes: no registry needed.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The image's name once imported. */
export const BUSYBOX_IMAGE = "docker.io/ttrpc-ts/busybox:nri-e2e";

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** Writes the image as `<dir>/busybox-image.tar` and returns its path; `busybox` must be statically linked. */
export function buildBusyboxImage(busybox: string, dir: string): string {
  const rootfs = join(dir, "image-rootfs");
  for (const d of ["bin", "proc", "sys", "dev", "etc", "tmp"]) mkdirSync(join(rootfs, d), { recursive: true });
  copyFileSync(busybox, join(rootfs, "bin", "busybox"));
  chmodSync(join(rootfs, "bin", "busybox"), 0o755);
  for (const tool of ["sh", "env", "sleep", "cat", "echo", "ls"]) symlinkSync("busybox", join(rootfs, "bin", tool));
  const layout = join(dir, "image-layout");
  const blobs = join(layout, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const blob = (b: Buffer) => {
    const digest = sha(b);
    writeFileSync(join(blobs, digest.slice("sha256:".length)), b);
    return { digest, size: b.length };
  };
  const layerTar = join(dir, "layer.tar");
  execFileSync("tar", ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "-C", rootfs, "-cf", layerTar, "."]);
  const layer = blob(readFileSync(layerTar));
  const config = blob(
    Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        // The pod's sandbox ("pause") container runs this; app containers set their own command.
        config: { Env: ["PATH=/bin"], Cmd: ["/bin/sleep", "2147483647"] },
        rootfs: { type: "layers", diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
      }),
    ),
  );
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          ...manifest,
          platform: { architecture: "amd64", os: "linux" },
          annotations: { "io.containerd.image.name": BUSYBOX_IMAGE, "org.opencontainers.image.ref.name": "nri-e2e" },
        },
      ],
    }),
  );
  const out = join(dir, "busybox-image.tar");
  execFileSync("tar", ["-C", layout, "-cf", out, "."]);
  return out;
}
