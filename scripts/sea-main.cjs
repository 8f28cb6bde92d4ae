// Main script of the standalone binary (a Node single executable application, built by scripts/build-sea.js).
// Node 20 runs a SEA's main script as CommonJS with built-in modules only, so this launcher just finds the
// ES-module bundle and imports it:
// - inside the helm plugin the binary sits in <plugin>/bin/ and the bundle in <plugin>/dist/bundle/: use that,
//   so nothing is written anywhere (helm plugin uninstall removes everything);
// - copied elsewhere, it unpacks the bundle it carries as SEA assets into
//   ${XDG_CACHE_HOME:-~/.cache}/helm-autorollback/<version>-<hash>/ once, and imports it from there.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const sea = require('node:sea');

function besideBinary() {
  const root = path.join(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(root, 'dist', 'bundle', 'run.mjs')) ? root : undefined;
}

function unpacked() {
  const manifest = JSON.parse(sea.getAsset('manifest.json', 'utf8'));
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const root = path.join(cache, 'helm-autorollback', `${manifest.version}-${manifest.hash.slice(0, 12)}`);
  if (fs.existsSync(path.join(root, 'dist', 'bundle', 'run.mjs'))) return root;
  // Unpack beside the target and rename, so a concurrent run never sees half the files.
  const partial = `${root}.${process.pid}.partial`;
  for (const file of manifest.files) {
    const target = path.join(partial, 'dist', 'bundle', file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, Buffer.from(sea.getAsset(`bundle/${file}`)));
  }
  fs.writeFileSync(path.join(partial, 'package.json'), JSON.stringify({ name: manifest.name, version: manifest.version, type: 'module' }));
  try {
    fs.renameSync(partial, root);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    if (!fs.existsSync(path.join(root, 'dist', 'bundle', 'run.mjs'))) throw error;
  }
  return root;
}

const root = besideBinary() || unpacked();
// V8 compile cache for the bundle (Node >= 22.1, so the Node 24 build; absent on Node 20). The SEA's own
// useCodeCache would only cover this launcher, not the bundle it imports.
const { enableCompileCache } = require('node:module');
if (typeof enableCompileCache === 'function') {
  try {
    enableCompileCache();
  } catch {
    // A cache folder that cannot be written only costs speed.
  }
}
import(pathToFileURL(path.join(root, 'dist', 'bundle', 'run.mjs')).href)
  .then((cli) => cli.main(process.argv.slice(2), root))
  .catch((error) => {
    process.stderr.write(`Error: unexpected: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
