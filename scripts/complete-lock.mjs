#!/usr/bin/env node
// Completes package-lock.json with the platform builds (optional dependencies for other operating
// systems and CPUs) that the registry mirror of our build machines does not serve. npm leaves them
// out of the lock when it cannot fetch them, and `npm ci` then refuses the lock everywhere. Each
// entry gets the os/cpu/libc its name states, so npm installs it only on that platform.
// Run after `npm install`: `node scripts/complete-lock.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = { x64: 'x64', arm64: 'arm64', arm: 'arm', ia32: 'ia32', riscv64: 'riscv64', s390x: 's390x', ppc64: 'ppc64', loong64: 'loong64', wasm32: 'wasm32', universal: null };

/** Platform constraints from a package name such as `@x/y-linux-arm64-musl` or `y-wasm32-wasi`. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const constraints = {};
  const os = parts.find((p) => OS.includes(p));
  if (os) constraints.os = [os];
  const cpu = parts.find((p) => p in CPU);
  if (cpu && CPU[cpu]) constraints.cpu = [CPU[cpu]];
  if (parts.includes('musl')) constraints.libc = ['musl'];
  else if (os === 'linux' && parts.includes('gnu')) constraints.libc = ['glibc'];
  return constraints;
}

let added = 0;
for (const [where, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    // npm resolves a dependency from the nearest node_modules up the tree.
    const nested = `${where ? `${where}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform.os && !platform.cpu) continue;
    packages[`node_modules/${name}`] = { version: version.replace(/^[\^~=]/, ''), ...platform, optional: true };
    added++;
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: added ${added} platform entries`);
