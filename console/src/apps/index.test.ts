import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apps } from '.';

const src = path.resolve(import.meta.dirname, '..');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
/** The files a source imports at run time (`import type` is left out), as absolute paths. */
const runtimeImports = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*?from '(\.[^']*)'/gms)].map((m) => path.resolve(path.dirname(file), m[1]!));

describe('the console apps', () => {
  it('have distinct ids and paths, none taken by the platform’s job pages', () => {
    expect(new Set(apps.map((a) => a.id)).size).toBe(apps.length);
    const paths = apps.flatMap((a) => [...a.paths]);
    expect(new Set(paths).size).toBe(paths.length);
    for (const p of paths) expect(p === '/jobs' || p.startsWith('/jobs/'), p).toBe(false);
  });

  it('never import one another, and the platform reaches them only through the list in main.tsx', () => {
    const appsDir = path.join(src, 'apps');
    for (const file of sources(appsDir)) {
      const own = path.relative(appsDir, file).split(path.sep)[0]!;
      for (const target of runtimeImports(file)) {
        const rel = path.relative(appsDir, target);
        if (rel.startsWith('..') || file === path.join(appsDir, 'index.ts') || file === path.join(appsDir, 'index.test.ts')) continue;
        expect(rel.split(path.sep)[0], `${path.relative(src, file)} imports ${rel}`).toBe(own);
      }
    }
    for (const file of sources(path.join(src, 'platform'))) {
      if (file.endsWith('main.tsx') || /\.test\.tsx?$/.test(file)) continue;
      for (const target of runtimeImports(file)) expect(path.relative(src, target).startsWith('apps'), `${path.relative(src, file)} imports ${target}`).toBe(false);
    }
  });
});
