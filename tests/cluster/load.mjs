// The mixed load (`lantoa-bench load`) against the cluster of the cluster
// test: two `lantoa serve` and two `lantoa worker` processes on PostgreSQL
// and an S3 server process, behind nginx round-robin, the demo network seeded.
// No faults: the figures are the cluster's under load. Every argument goes to
// `lantoa-bench load` (its --base-url is nginx's).
//
//   node tests/cluster/load.mjs --duration 300   (`scripts/cluster-test.sh --load` prepares and calls it)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { BASE, PG_ADMIN, REPO, bringUp, cluster, nginx, psql } from './procs.mjs';

const BENCH = process.env.LANTOA_BENCH_BIN || path.join(REPO, 'target/release/lantoa-bench');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lantoa-cluster-load-'));
const c = cluster(work);
const P = c.procs;
const front = nginx(work);
const log = (...a) => console.log('[cluster-load]', ...a);

async function main() {
  await bringUp(c, front, log);
  const bench = spawn(BENCH, ['load', '--base-url', BASE, ...process.argv.slice(2)], { stdio: 'inherit' });
  const code = await new Promise((r) => bench.once('exit', (c) => r(c ?? 1)));
  for (const [name, p] of Object.entries({ ...P, nginx: front })) {
    if (p.child && p.child.exitCode !== null) log(`${name} exited during the load (${p.child.exitCode}); see ${p.log}`);
  }
  return code;
}

async function cleanup(keep) {
  await Promise.all([front, ...Object.values(P)].map((p) => p.stop()));
  if (keep || process.env.LANTOA_CLUSTER_KEEP) {
    console.error(`logs kept in ${work}; database ${c.db} kept`);
    return;
  }
  try {
    psql(PG_ADMIN, `DROP DATABASE IF EXISTS ${c.db} WITH (FORCE)`);
  } catch {
    // nothing more to say
  }
  fs.rmSync(work, { recursive: true, force: true });
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await cleanup(false);
    process.exit(130);
  });
}

try {
  const code = await main();
  await cleanup(code !== 0);
  process.exit(code);
} catch (e) {
  console.error(e);
  await cleanup(true);
  process.exit(1);
}
