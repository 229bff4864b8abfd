import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency direction of docs/architecture.md, checked on every import of the server's code:
 * a layer may import only the layers listed for it, and an app never another app.
 */
const ALLOWED: Record<string, readonly string[]> = {
  core: ['core'],
  services: ['core', 'services'],
  engine: ['core', 'services', 'engine'],
  adapters: ['core', 'adapters'],
  http: ['core', 'services', 'engine', 'http'],
  apps: ['core', 'services', 'engine', 'http', 'apps'],
  worker: ['core', 'services', 'engine', 'worker'],
  config: ['core', 'config'],
  composition: ['*'],
  bin: ['*'],
  testing: ['*'],
};

const root = path.resolve(import.meta.dirname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Layer and (for apps) app of a file under server/src. */
function place(file: string): { layer: string; app?: string } {
  const [layer, app] = path.relative(root, file).split(path.sep);
  return { layer: layer!, app: layer === 'apps' ? app : undefined };
}

describe('layers', () => {
  it('every import follows the dependency direction, and no app imports another', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(root)) {
      const from = place(file);
      const allowed = ALLOWED[from.layer];
      if (!allowed) {
        violations.push(`${path.relative(root, file)}: in no known layer`);
        continue;
      }
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = path.resolve(path.dirname(file), m[1]!);
        if (!target.startsWith(root + path.sep)) continue;
        const to = place(target);
        const ok = (allowed.includes('*') || allowed.includes(to.layer)) && !(from.app && to.app && from.app !== to.app);
        if (!ok) violations.push(`${path.relative(root, file)} imports ${path.relative(root, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
