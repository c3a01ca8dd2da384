// Fails fast when npm scripts run on a Node other than the pinned node@24 devDependency.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(`apim-sync needs Node 24 (found ${process.version}). Run it through npm scripts after \`npm ci\`, which pins node@24.`);
  process.exit(1);
}
