// The cluster test: two `lantoa serve` and two `lantoa worker` processes on
// PostgreSQL and an S3 server process, behind nginx round-robin. Twenty
// uploads (each broken off once and resumed, chunks landing on both web
// processes), review and approval, publishing to the sandbox platforms and
// metrics collection, while the script kills a web process, a worker and both
// workers with SIGKILL, restarts PostgreSQL and makes S3 fail for 10 s. Then
// it checks that every upload is complete with the right hash, every clip is
// published exactly once per channel, no job is lost or stuck and the audit
// trail verifies, and prints each fault's recovery time.
//
//   node tests/cluster/run.mjs      (scripts/cluster-test.sh prepares and calls it)
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { BASE, PORTS, bringUp, cluster, nginx, psql, ready, sleep } from './procs.mjs';

const UPLOADS = Number(process.env.LANTOA_CLUSTER_UPLOADS || 20);
const AGENCY = 2; // Báo Tỉnh in the demo network
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lantoa-cluster-'));
const c = cluster(work);
const P = c.procs;
const front = nginx(work);
const t0 = Date.now();
const log = (...a) => console.log(`[cluster ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s]`, ...a);
const faults = [];
const counts = { resumed: 0, clientRetries: 0, crossProcess: 0 };
const postsBefore = {};

/// What the sandbox platforms received as posts (caption tracks aside).
async function sandboxPosts() {
  const records = await (await fetch(`http://127.0.0.1:${PORTS.sandbox}/__admin/records`)).json();
  return records.filter((r) => r.fields?.kind !== 'youtube#caption');
}

async function main() {
  const tokens = {};
  await bringUp(c, front, log, () => {
    for (const [role, user] of [['reporter', 'baotinh.phongvien'], ['editor', 'baotinh.bientap'], ['head', 'baotinh.lanhdao']]) {
      const out = c.cli(['token', 'create', '--username', user, '--name', `cluster-${role}`]);
      tokens[role] = out.match(/lt_[A-Za-z0-9_-]+/)[0];
    }
  });

  for (const r of await sandboxPosts()) postsBefore[r.platform] = (postsBefore[r.platform] || 0) + 1;
  const files = makeClips(path.join(work, 'clips'), UPLOADS);
  const api = client(tokens);
  const clips = new Array(UPLOADS);
  // Uploads in two waves, so that faults fall among them.
  const wave = async (from, to) => Promise.all(
    files.slice(from, to).map(async (f, k) => { clips[from + k] = await upload(api, f, from + k); }),
  );
  const w1 = wave(0, UPLOADS / 2);
  w1.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
  await sleep(300);
  await fault('kill -9 web1 (during uploads)', async (mark) => {
    P.web1.kill9();
    await sleep(2000);
    P.web1.start();
    mark('process back', await ready(`http://127.0.0.1:${PORTS.web1}/readyz`));
  }, () => probeApi(api));
  await w1;
  const w2 = wave(UPLOADS / 2, UPLOADS);
  w2.catch(() => {});
  await sleep(200);
  await fault('S3 fails every request for 10 s (during uploads)', async (mark) => {
    await fetch(`http://127.0.0.1:${PORTS.s3}/__fault?seconds=10`, { method: 'POST' });
    await sleep(10_000);
    mark('fault ends', 0);
  }, () => probeUploadBytes(api));
  await w2;
  log(`uploads done: ${clips.length}, resumed after a break: ${counts.resumed}, client retries: ${counts.clientRetries}`);

  // Review, approval and publishing, with the workers under fire.
  const approving = Promise.all(clips.map((cl) => approveAndPublish(api, cl)));
  approving.catch(() => {});
  await sleep(1500);
  await fault('kill -9 worker1 (during checks and publishing)', async (mark) => {
    P.worker1.kill9();
    await sleep(1000);
    P.worker1.start();
    mark('process restarted', 0);
  }, () => probeJobs(c.dbUrl));
  await sleep(1500);
  await fault('kill -9 both workers at once', async (mark) => {
    P.worker1.kill9();
    P.worker2.kill9();
    await sleep(3000);
    P.worker1.start();
    P.worker2.start();
    mark('processes restarted', 3000);
  }, () => probeJobs(c.dbUrl));
  await sleep(1000);
  await fault('restart PostgreSQL', async (mark) => {
    const t = Date.now();
    restartPostgres();
    mark('server back', Date.now() - t);
  }, () => probeApi(api));
  await approving;
  log('every clip approved and published');

  // Metrics collection: the posts' first fetch made due now (as an hour passing would).
  psql(c.dbUrl, 'UPDATE publications SET metrics_next_at = 0 WHERE metrics_next_at IS NOT NULL');
  const collected = await metricsCollected(c.dbUrl, clips.map((cl) => cl.clip));
  log(`posts with figures collected: ${collected}`);

  const report = await verify(api, clips, tokens);
  report.collected = collected;
  const [got, want] = collected.split('/').map(Number);
  if (got < want) report.problems.push(`figures collected for ${got} of ${want} posts`);
  print(report);
  if (report.problems.length) {
    throw new Error(`the cluster test found problems:\n  ${report.problems.join('\n  ')}`);
  }
}

// ---- the workload -------------------------------------------------------------------

function makeClips(dir, n) {
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, 'base.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=180x320:rate=25:duration=2',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', base]);
  const out = [];
  for (let i = 0; i < n; i++) {
    const f = path.join(dir, `clip-${i}.mp4`);
    // Each file its own bytes: a comment in the container.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', base, '-c', 'copy', '-metadata', `comment=cluster ${process.pid} ${i}`, f]);
    const bytes = fs.readFileSync(f);
    out.push({ path: f, bytes, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
  }
  return out;
}

function client(tokens) {
  const call = async (role, method, url, { body, headers = {}, base = BASE } = {}) => {
    const h = { authorization: `Bearer ${tokens[role]}`, ...headers };
    if (body !== undefined && !(body instanceof Uint8Array) && typeof body !== 'string') {
      h['content-type'] = 'application/json';
      body = JSON.stringify(body);
    }
    return fetch(base + url, { method, headers: h, body, signal: AbortSignal.timeout(60_000) });
  };
  // Retries what a dead upstream, a restarting database or a failing store
  // refuse (as the web client does), counting each retry.
  const retrying = async (fn) => {
    for (let i = 0; ; i++) {
      try {
        const r = await fn();
        if (![502, 503, 504].includes(r.status)) return r;
        if (i > 300) return r;
      } catch (e) {
        if (i > 300) throw e;
      }
      counts.clientRetries += 1;
      await sleep(200);
    }
  };
  return { call, retrying };
}

const b64 = (s) => Buffer.from(String(s)).toString('base64');
const TUS = { 'tus-resumable': '1.0.0' };

async function upload(api, file, i) {
  const meta = [
    ['agency_id', AGENCY], ['title', `Cụm máy ${i} — ${process.pid}`], ['category', 'good_deeds'],
    ['caption', `Công nhân vận hành cụm máy số ${i} của nhà máy. #baotinh`],
    ['filename', `clip-${i}.mp4`], ['filetype', 'video/mp4'],
  ].map(([k, v]) => `${k} ${b64(v)}`).join(',');
  const created = await api.retrying(() => api.call('reporter', 'POST', '/api/v1/uploads', {
    headers: { ...TUS, 'upload-length': String(file.bytes.length), 'upload-metadata': meta },
  }));
  if (created.status !== 201) throw new Error(`create ${i}: ${created.status} ${await created.text()}`);
  const loc = new URL(created.headers.get('location'), BASE).pathname;
  const chunk = Math.ceil(file.bytes.length / 4);
  let offset = 0;
  let broke = false;
  let clip = null;
  let k = 0;
  while (offset < file.bytes.length) {
    // Chunks alternate between the two web processes directly and nginx:
    // the upload is continued by whichever process gets the request.
    const base = [BASE, `http://127.0.0.1:${PORTS.web1}`, `http://127.0.0.1:${PORTS.web2}`][k++ % 3];
    let end = Math.min(offset + chunk, file.bytes.length);
    const cut = !broke && offset > 0;
    if (cut) {
      // Half a chunk, then the connection drops: the server keeps what
      // arrived, and the client asks where to go on from.
      broke = true;
      end = offset + Math.floor((end - offset) / 2);
    }
    let r;
    try {
      r = await api.call('reporter', 'PATCH', loc, {
        base,
        headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        body: file.bytes.subarray(offset, end),
      });
    } catch {
      r = null;
    }
    if (cut) counts.resumed += 1;
    if (r && r.status === 204) {
      offset = Number(r.headers.get('upload-offset'));
      if (r.headers.get('lantoa-clip-id')) clip = Number(r.headers.get('lantoa-clip-id'));
      if (base !== BASE) counts.crossProcess += 1;
      continue;
    }
    // Refused or cut off: ask where to go on from (through nginx).
    counts.clientRetries += 1;
    await sleep(200);
    const h = await api.retrying(() => api.call('reporter', 'HEAD', loc, { headers: TUS }));
    offset = Number(h.headers.get('upload-offset'));
    if (h.headers.get('lantoa-clip-id')) clip = Number(h.headers.get('lantoa-clip-id'));
  }
  while (!clip) {
    const h = await api.retrying(() => api.call('reporter', 'HEAD', loc, { headers: TUS }));
    clip = Number(h.headers.get('lantoa-clip-id')) || null;
    if (!clip) await sleep(200);
  }
  return { i, clip, file, loc };
}

const CHECKLIST_OK = new Set([204, 409]);

async function approve(api, cl, url) {
  for (let round = 0; round < 600; round++) {
    const d = await api.retrying(() => api.call('editor', 'GET', url));
    if (d.status !== 200) throw new Error(`clip ${cl.clip}: ${d.status}`);
    const detail = await d.json();
    const state = detail.state;
    if (state === 'approved') return;
    if (state === 'draft' && detail.clip.current_version_id) {
      // Checked and ready: its author sends it to review.
      const r = await api.retrying(() => api.call('reporter', 'POST', `${url}/actions/submit`, { body: {} }));
      if (r.status !== 200) await sleep(300);
      continue;
    }
    if (state === 'in_review' || state === 'approving') {
      let acted = false;
      for (const role of ['editor', 'head']) {
        const mine = await (await api.retrying(() => api.call(role, 'GET', url))).json();
        if (!mine.available_actions.includes('approve')) continue;
        for (const item of mine.checklist.filter((x) => !x.done)) {
          const t = await api.retrying(() => api.call(role, 'PUT', `${url}/checklist`, { body: { item: item.item, done: true } }));
          if (!CHECKLIST_OK.has(t.status)) throw new Error(`tick ${cl.clip}: ${t.status} ${await t.text()}`);
        }
        const fresh = await (await api.retrying(() => api.call(role, 'GET', url))).json();
        const a = await api.retrying(() => api.call(role, 'POST', `${url}/actions/approve`, { body: { digest: fresh.digest } }));
        if (a.status === 200) acted = true;
        else if (round % 20 === 0) log(`clip ${cl.clip}: approve as ${role}: ${a.status} ${await a.text()}`);
        break;
      }
      if (!acted) await sleep(300);
      continue;
    }
    await sleep(300);
  }
  throw new Error(`clip ${cl.clip}: not approved in time`);
}

async function approveAndPublish(api, cl) {
  const url = `/api/v1/agencies/${AGENCY}/clips/${cl.clip}`;
  // An approval given before the media check ended may be voided by it
  // (the check's facts are signed too): approve again, then publish.
  for (let attempt = 0; ; attempt++) {
    await approve(api, cl, url);
    const p = await api.retrying(() => api.call('editor', 'POST', `${url}/publish`));
    if (p.status === 202) break;
    if (p.status !== 409 || attempt > 5) throw new Error(`publish ${cl.clip}: ${p.status} ${await p.text()}`);
    counts.reapproved = (counts.reapproved || 0) + 1;
  }
  for (let round = 0; round < 900; round++) {
    const r = await api.retrying(() => api.call('editor', 'GET', `${url}/publications`));
    const pubs = await r.json();
    if (pubs.length && pubs.every((x) => x.state === 'published')) {
      cl.publications = pubs;
      return;
    }
    const failed = pubs.filter((x) => ['failed', 'needs_attention'].includes(x.state));
    if (failed.length) throw new Error(`clip ${cl.clip}: publication failed: ${JSON.stringify(failed)}`);
    await sleep(300);
  }
  throw new Error(`clip ${cl.clip}: publications did not settle`);
}

// ---- faults and their recovery ------------------------------------------------------

/// Runs a fault, probing the cluster every 100 ms from its start until the
/// probe has failed and succeeded again (or never failed within 2 s of the
/// fault's end): the recovery time is from the fault's end to that success.
async function fault(name, act, probe) {
  log(`fault: ${name}`);
  const f = { name, marks: [], firstFailure: null, recovered: null };
  const start = Date.now();
  let acting = true;
  let actEnd = null;
  const probing = (async () => {
    let failedOnce = false;
    while (true) {
      const t = Date.now();
      let ok = false;
      try {
        ok = await probe();
      } catch {
        ok = false;
      }
      if (!ok && f.firstFailure === null) f.firstFailure = t - start;
      failedOnce ||= !ok;
      if (!acting && ok && (failedOnce || Date.now() - actEnd > 2000)) {
        f.recovered = Date.now() - actEnd;
        f.failedOnce = failedOnce;
        return;
      }
      if (Date.now() - start > 180_000) return;
      await sleep(100);
    }
  })();
  await act((what, ms) => f.marks.push(`${what} ${ms} ms`));
  actEnd = Date.now();
  acting = false;
  f.faultMs = actEnd - start;
  await probing;
  faults.push(f);
  log(`  ${name}: ${f.marks.join(', ')}; clients recovered ${f.recovered} ms after`);
}

async function probeApi(api) {
  const r = await api.call('editor', 'GET', '/api/v1/me', {}).catch(() => null);
  return r?.status === 200;
}

let probeUploads = 0;
/// A tiny upload through nginx: the store takes and gives bytes again.
async function probeUploadBytes(api) {
  const bytes = crypto.randomBytes(1000);
  const meta = `agency_id ${b64(AGENCY)},title ${b64(`probe ${probeUploads++}`)},category ${b64('good_deeds')},filename ${b64('probe.bin')}`;
  const r = await api.call('editor', 'POST', '/api/v1/uploads', {
    headers: { ...TUS, 'upload-length': String(bytes.length), 'upload-metadata': meta, 'content-type': 'application/offset+octet-stream' },
    body: bytes,
  }).catch(() => null);
  if (!r || r.status !== 201) return false;
  if (r.headers.get('upload-offset') === String(bytes.length)) return true;
  // Created, but the bytes were not taken: ask the upload to go away.
  const loc = new URL(r.headers.get('location'), BASE).pathname;
  await api.call('editor', 'DELETE', loc, { headers: TUS }).catch(() => null);
  return false;
}

let lastDone = null;
/// Jobs are being finished: more succeeded than at the last look.
async function probeJobs(dbUrl) {
  const n = Number(psql(dbUrl, "SELECT COUNT(*) FROM jobs WHERE state = 'succeeded'"));
  const moved = lastDone !== null && n > lastDone;
  lastDone = n;
  const waiting = Number(psql(dbUrl, "SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')"));
  return moved || waiting === 0;
}

function restartPostgres() {
  const clusters = execFileSync('pg_lsclusters', ['-h'], { encoding: 'utf8' }).trim().split('\n')[0].split(/\s+/);
  execFileSync('pg_ctlcluster', [clusters[0], clusters[1], 'restart'], { stdio: 'inherit' });
}

/// Waits until every published post of the test's clips has figures (or
/// five minutes); returns how many have.
async function metricsCollected(dbUrl, clipIds) {
  const count = () => Number(psql(dbUrl, `SELECT COUNT(DISTINCT s.publication_id) FROM metric_snapshots s
    JOIN publications p ON p.id = s.publication_id JOIN channels ch ON ch.id = p.channel_id
    WHERE p.clip_id IN (${clipIds.join(',')}) AND ch.platform <> 'outlet'`));
  const want = Number(psql(dbUrl, `SELECT COUNT(*) FROM publications p JOIN channels ch ON ch.id = p.channel_id
    WHERE p.clip_id IN (${clipIds.join(',')}) AND p.state = 'published' AND ch.platform <> 'outlet'`));
  for (let i = 0; i < 300; i++) {
    // Housekeeping queues due fetches every minute; the job runs on either worker.
    if (count() >= want) return `${count()}/${want}`;
    await sleep(1000);
  }
  return `${count()}/${want}`;
}

// ---- the checks ---------------------------------------------------------------------

async function verify(api, clips, tokens) {
  const problems = [];
  // Every upload complete, with the right hash, and the stored bytes that hash.
  for (const cl of clips) {
    const row = psql(c.dbUrl, `SELECT v.sha256 || ' ' || v.size_bytes || ' ' || v.original_key FROM clip_versions v WHERE v.clip_id = ${cl.clip} ORDER BY v.number`);
    const [sha, size, key] = row.split(' ');
    if (sha !== cl.file.sha256) problems.push(`clip ${cl.clip}: recorded sha ${sha} is not the file's ${cl.file.sha256}`);
    if (Number(size) !== cl.file.bytes.length) problems.push(`clip ${cl.clip}: recorded size ${size}`);
    const stored = path.join(c.s3Root, 'lantoa-media', 'cluster', key);
    const got = fs.existsSync(stored) ? crypto.createHash('sha256').update(fs.readFileSync(stored)).digest('hex') : 'missing';
    if (got !== cl.file.sha256) problems.push(`clip ${cl.clip}: stored original ${got}`);
  }
  const open = Number(psql(c.dbUrl, "SELECT COUNT(*) FROM uploads WHERE state = 'open' AND offset_bytes = length"));
  if (open) problems.push(`${open} uploads have every byte but were not finished`);
  const staged = psql(c.dbUrl, 'SELECT COUNT(*) FROM upload_parts u JOIN uploads x ON x.id = u.upload_id WHERE x.state <> \'open\'');
  if (Number(staged)) problems.push(`${staged} staged pieces of finished uploads are still recorded`);
  // Every clip published exactly once per channel: each publication's post
  // is in the platform's own records, and the platforms received no post
  // beyond them (a post sent twice would be one more).
  const records = await sandboxPosts();
  const channels = Number(psql(c.dbUrl, `SELECT COUNT(*) FROM channels WHERE agency_id = ${AGENCY} AND status = 'active'`));
  const expected = {};
  for (const cl of clips) {
    const pubs = cl.publications || [];
    if (pubs.length !== channels) problems.push(`clip ${cl.clip}: ${pubs.length} publications for ${channels} channels`);
    for (const pub of pubs.filter((x) => x.platform !== 'outlet')) {
      expected[pub.platform] = (expected[pub.platform] || 0) + 1;
      const n = records.filter((r) => r.platform === pub.platform && r.id === pub.external_id).length;
      if (n !== 1) problems.push(`clip ${cl.clip}: ${n} posts ${pub.external_id} on ${pub.platform}`);
    }
  }
  let posts = 0;
  for (const [platform, want] of Object.entries(expected)) {
    const got = records.filter((r) => r.platform === platform).length - (postsBefore[platform] || 0);
    posts += got;
    if (got !== want) problems.push(`${platform} received ${got} posts for ${want} publications`);
  }
  // No job lost or stuck.
  const jobs = Object.fromEntries(psql(c.dbUrl, 'SELECT state, COUNT(*) FROM jobs GROUP BY state').split('\n').filter(Boolean).map((l) => l.split('|')).map(([s, n]) => [s, Number(n)]));
  const stuck = Number(psql(c.dbUrl, `SELECT COUNT(*) FROM jobs WHERE state = 'running' AND lease_until < ${Date.now()}`));
  if (stuck) problems.push(`${stuck} jobs running on a lease that ran out`);
  if (jobs.dead) problems.push(`${jobs.dead} jobs dead: ${psql(c.dbUrl, "SELECT kind || ': ' || COALESCE(last_error, '') FROM jobs WHERE state = 'dead' LIMIT 5")}`);
  const waiting = Number(psql(c.dbUrl, `SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'failed') AND kind <> 'metrics' AND run_at < ${Date.now()}`));
  if (waiting) problems.push(`${waiting} jobs still waiting: ${psql(c.dbUrl, "SELECT kind || ' ' || state || ' ' || COALESCE(last_error, '') FROM jobs WHERE state IN ('queued','failed') AND kind <> 'metrics' LIMIT 5")}`);
  // The audit trail.
  let audit = 'clean';
  try {
    c.cli(['audit', 'verify']);
  } catch (e) {
    audit = `FAILED: ${e.stdout}${e.stderr}`;
    problems.push(`audit verify: ${audit}`);
  }
  const dbRetries = await dbRetriesSeen();
  return { problems, jobs, posts, audit, dbRetries, clips: clips.length };
}

async function dbRetriesSeen() {
  let n = 0;
  for (const port of [PORTS.web1, PORTS.web2]) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text().catch(() => '');
    const m = text.match(/^lantoa_db_retries_total (\d+)/m);
    if (m) n += Number(m[1]);
  }
  return n;
}

function print(r) {
  const line = '─'.repeat(78);
  console.log(`\n${line}\nCluster test report (2 serve + 2 worker, PostgreSQL, S3 process, nginx round-robin)\n${line}`);
  if (counts.reapproved) console.log(`approvals voided by a check that ended after them, approved again: ${counts.reapproved}`);
  console.log(`uploads complete with the right hash: ${r.clips}/${UPLOADS} (each broken off once and resumed: ${counts.resumed}; chunks sent straight to a web process: ${counts.crossProcess}; client retries: ${counts.clientRetries})`);
  console.log(`posts on the sandbox platforms: ${r.posts} (one per clip per platform channel; the outlet's are its own)`);
  console.log(`posts with figures collected: ${r.collected}`);
  console.log(`jobs by state: ${JSON.stringify(r.jobs)}`);
  console.log(`audit verify: ${r.audit}; transactions run again by the web processes: ${r.dbRetries}`);
  console.log('faults:');
  for (const f of faults) {
    const seen = f.failedOnce ? `clients saw failures, served again ${f.recovered} ms after it ended` : 'no request failed';
    console.log(`  ${f.name.padEnd(50)} lasted ${String(f.faultMs).padStart(6)} ms; ${seen}${f.marks.length ? ` (${f.marks.join(', ')})` : ''}`);
  }
  console.log(r.problems.length ? `PROBLEMS:\n  ${r.problems.join('\n  ')}` : 'no problem found');
  console.log(line);
}

async function cleanup() {
  await Promise.all([front, ...Object.values(P)].map((p) => p.stop()));
  if (process.env.LANTOA_CLUSTER_KEEP) {
    console.error(`database ${c.db} kept`);
    return;
  }
  try {
    psql(process.env.LANTOA_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres', `DROP DATABASE IF EXISTS ${c.db} WITH (FORCE)`);
  } catch {
    // the report says enough
  }
  fs.rmSync(work, { recursive: true, force: true });
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    console.error(`${sig}: stopping the cluster`);
    await cleanup();
    process.exit(130);
  });
}

try {
  await main();
  await cleanup();
} catch (e) {
  console.error(e);
  console.error(`logs kept in ${work}`);
  process.env.LANTOA_CLUSTER_KEEP = '1';
  await cleanup();
  process.exit(1);
}
