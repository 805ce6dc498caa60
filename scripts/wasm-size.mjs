// The site's wasm as browsers download it: the main module every page
// needs, and per lazy route the chunks its first visit adds (from the split
// manifest). Sizes raw, gzip -9 and brotli -q 11, as a JSON object on
// stdout. Usage: node scripts/wasm-size.mjs SITE_ROOT
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const pkg = join(process.argv[2] ?? "target/site", "pkg");
const files = readdirSync(pkg);
const sizes = new Map();
function size(name) {
  if (!sizes.has(name)) {
    const bytes = readFileSync(join(pkg, name));
    sizes.set(name, {
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      }).length,
    });
  }
  return sizes.get(name);
}
const sum = (names) =>
  names.map(size).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }), {
    raw: 0,
    gzip: 0,
    brotli: 0,
  });

const main = files.find((f) => f.endsWith(".wasm") && !f.startsWith("chunk_") && !f.startsWith("split_"));
const manifestFile = files.find((f) => f.startsWith("__wasm_split_manifest") && f.endsWith(".json"));
const manifest = manifestFile ? JSON.parse(readFileSync(join(pkg, manifestFile), "utf8")) : {};
// A route's name without the macro's prefix and hash: "item_route".
const routes = Object.entries(manifest)
  .map(([name, chunks]) => ({
    route: name.replace(/^__/, "").replace(/_view_\d+$/, ""),
    chunks: chunks.length,
    ...sum(chunks.map((c) => `${c}.wasm`)),
  }))
  .sort((a, b) => b.brotli - a.brotli);
const all = files.filter((f) => f.endsWith(".wasm"));
console.log(
  JSON.stringify({
    main: { file: main, ...size(main) },
    largest_route: routes[0] ?? null,
    routes,
    all_files: { files: all.length, ...sum(all) },
  }),
);
