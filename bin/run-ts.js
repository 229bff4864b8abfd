#!/usr/bin/env node
// Runs a TypeScript entry file (benchmarks, scripts) through tsx.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

register();
const entry = process.argv[2];
if (!entry) throw new Error('usage: run-ts.js FILE.ts [args]');
process.argv.splice(2, 1);
await import(pathToFileURL(path.resolve(entry)).href);
