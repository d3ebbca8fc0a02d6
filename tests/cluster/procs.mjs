// The cluster's processes: S3, the sandbox platforms, two `lantoa serve`,
// two `lantoa worker`, nginx in front; each started, killed with SIGKILL and
// started again on demand, logging to its own file.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const BIN = process.env.LANTOA_BIN || path.join(REPO, 'target/debug/lantoa');
export const S3_BIN = process.env.LANTOA_S3_BIN || path.join(REPO, 'target/debug/lantoa-s3');
export const PG_ADMIN = process.env.LANTOA_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const BASE_PORT = Number(process.env.LANTOA_CLUSTER_PORT || 19420);
export const PORTS = {
  nginx: BASE_PORT,
  s3: BASE_PORT + 1,
  sandbox: BASE_PORT + 2,
  web1: BASE_PORT + 3,
  web2: BASE_PORT + 4,
};
export const BASE = `http://127.0.0.1:${PORTS.nginx}`;
export const S3_KEY = 'cluster-key';
export const S3_SECRET = 'cluster-secret';
export const BUCKET = 'lantoa-media';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function psql(url, sql) {
  return execFileSync('psql', [url, '-qtAX', '-c', sql], { encoding: 'utf8' }).trim();
}

/// One process of the cluster.
export class Proc {
  constructor(work, name, cmd, args, env) {
    Object.assign(this, { work, name, cmd, args, env });
    this.log = path.join(work, `${name}.log`);
    this.child = null;
    this.starts = 0;
  }

  start() {
    const out = fs.openSync(this.log, 'a');
    this.child = spawn(this.cmd, this.args, { env: this.env, stdio: ['ignore', out, out] });
    this.starts += 1;
    fs.closeSync(out);
    return this;
  }

  kill9() {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  async stop() {
    if (!this.child || this.child.exitCode !== null) return;
    const done = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await Promise.race([done, sleep(5000)]);
    this.kill9();
  }
}

/// Waits until `url` answers 200; returns the milliseconds waited.
export async function ready(url, timeoutMs = 60000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return Date.now() - t0;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

const hex32 = () => crypto.randomBytes(32).toString('hex');

/// Creates the cluster's database and folders; returns the processes (not started).
export function cluster(work) {
  const db = `lantoa_cluster_${process.pid}`;
  psql(PG_ADMIN, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  psql(PG_ADMIN, `CREATE DATABASE ${db}`);
  const dbUrl = `${PG_ADMIN.replace(/\/[^/]*$/, '')}/${db}`;
  const common = {
    ...process.env,
    LANTOA_DATABASE_URL: dbUrl,
    LANTOA_STORAGE_URL: `s3://${BUCKET}/cluster`,
    LANTOA_S3_ENDPOINT: `http://127.0.0.1:${PORTS.s3}`,
    LANTOA_S3_ACCESS_KEY_ID: S3_KEY,
    LANTOA_S3_SECRET_ACCESS_KEY: S3_SECRET,
    LANTOA_S3_PATH_STYLE: 'true',
    LANTOA_SESSION_KEY: hex32(),
    LANTOA_ENCRYPTION_KEY: hex32(),
    LANTOA_SANDBOX_URL: `http://127.0.0.1:${PORTS.sandbox}`,
    LANTOA_TRUST_PROXY: 'true',
    // The platforms' apps, as the demo names them for its sandbox.
    LANTOA_YOUTUBE_CLIENT_ID: 'sandbox-youtube',
    LANTOA_YOUTUBE_CLIENT_SECRET: 'sandbox-secret',
    LANTOA_FACEBOOK_APP_ID: 'sandbox-facebook',
    LANTOA_FACEBOOK_APP_SECRET: 'sandbox-secret',
    LANTOA_TIKTOK_CLIENT_KEY: 'sandbox-tiktok',
    LANTOA_TIKTOK_CLIENT_SECRET: 'sandbox-secret',
    LANTOA_ZALO_APP_ID: 'sandbox-zalo',
    LANTOA_ZALO_APP_SECRET: 'sandbox-secret',
    LANTOA_LOG: 'warn',
    // Leases end sooner than by default, so a killed worker's jobs come back sooner.
    LANTOA_JOB_LEASE_SECONDS: '6',
    LANTOA_WORKER_SLOTS: '4',
    LANTOA_MAX_OPEN_UPLOADS_PER_USER: '40',
    // Twenty clips to every channel at once: the platforms' pacing raised
    // (the sandbox does not limit), the status poll quicker.
    LANTOA_YOUTUBE_UPLOADS_PER_DAY: '200',
    LANTOA_TIKTOK_INITS_PER_MINUTE: '200',
    LANTOA_FACEBOOK_REELS_PER_DAY: '200',
    LANTOA_PUBLISH_POLL_MS: '500',
  };
  const data = (name) => {
    const d = path.join(work, name);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };
  const lantoa = (name, args, extra) =>
    new Proc(work, name, BIN, args, { ...common, LANTOA_DATA_DIR: data(name), ...extra });
  const procs = {
    s3: new Proc(work, 's3', S3_BIN, [
      '--root', data('s3'), '--listen', `127.0.0.1:${PORTS.s3}`, '--bucket', BUCKET,
      '--key', S3_KEY, '--secret', S3_SECRET,
    ], process.env),
    sandbox: lantoa('sandbox', ['mock-platforms', '--listen', `127.0.0.1:${PORTS.sandbox}`, '--processing-ms', '300'], {}),
    web1: lantoa('web1', ['serve'], { LANTOA_LISTEN: `127.0.0.1:${PORTS.web1}`, LANTOA_SERVE_WORKERS: 'false' }),
    web2: lantoa('web2', ['serve'], { LANTOA_LISTEN: `127.0.0.1:${PORTS.web2}`, LANTOA_SERVE_WORKERS: 'false' }),
    worker1: lantoa('worker1', ['worker'], {}),
    worker2: lantoa('worker2', ['worker'], {}),
  };
  const cli = (args, input) =>
    execFileSync(BIN, args, {
      env: { ...common, LANTOA_DATA_DIR: data('cli') },
      encoding: 'utf8',
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  return { db, dbUrl, procs, cli, s3Root: path.join(work, 's3') };
}

/// nginx round-robin over the two web processes, as the packaged example
/// does for tus: request bodies streamed through, long timeouts.
export function nginx(work) {
  const temp = (n) => {
    const d = path.join(work, 'nginx', n);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };
  const conf = path.join(work, 'nginx.conf');
  fs.writeFileSync(conf, `
daemon off;
worker_processes 1;
pid ${work}/nginx.pid;
error_log ${work}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  upstream lantoa {
    server 127.0.0.1:${PORTS.web1} max_fails=1 fail_timeout=2s;
    server 127.0.0.1:${PORTS.web2} max_fails=1 fail_timeout=2s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${PORTS.nginx};
    client_max_body_size 0;
    location / {
      proxy_pass http://lantoa;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
      proxy_send_timeout 120s;
    }
  }
}
`);
  const nginxBin = fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  return new Proc(work, 'nginx', nginxBin, ['-c', conf, '-p', work], process.env);
}

/// Starts S3 and the sandbox platforms, seeds the demo network on PostgreSQL
/// + S3 (then calls `seeded`), starts the two web and two worker processes and
/// nginx, and waits until nginx answers.
export async function bringUp(c, front, log, seeded = () => {}) {
  const P = c.procs;
  P.s3.start();
  P.sandbox.start();
  await ready(`http://127.0.0.1:${PORTS.s3}/__fault`);
  await ready(`http://127.0.0.1:${PORTS.sandbox}/__admin/records`);
  log('seeding the demo network on PostgreSQL + S3');
  c.cli(['demo', '--no-serve']);
  seeded();
  for (const p of [P.web1, P.web2, P.worker1, P.worker2]) p.start();
  front.start();
  await ready(`http://127.0.0.1:${PORTS.web1}/readyz`);
  await ready(`http://127.0.0.1:${PORTS.web2}/readyz`);
  await ready(`${BASE}/readyz`);
  log('cluster up: nginx → 2 serve; 2 workers; PostgreSQL; S3');
}
