#!/usr/bin/env node
// One of the two places that load the Reflect polyfill (the other is the jest setup).
import 'reflect-metadata';
import { runCli } from './main';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`neusemslice: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
