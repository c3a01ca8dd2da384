// The suite runs on the pinned Node 24 only (npm test puts node@24 first on PATH).
if (Number(process.versions.node.split('.')[0]) !== 24) {
  throw new Error(`tests need Node 24, found ${process.version}; run them with npm test`);
}
