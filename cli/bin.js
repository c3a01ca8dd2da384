#!/usr/bin/env node
// Entry of `npx apim-sync` and `npm start`: refuse any Node but 24 before loading TypeScript sources (type stripping).
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(`apim-sync needs Node 24 (found ${process.version}). Run it through npm scripts or npx after \`npm ci\`, which pins node@24.`);
  process.exit(1);
}
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
