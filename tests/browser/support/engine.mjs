// The real order_engine binary on a free port against a fresh database of its
// own, for browser tests. Nothing is mocked: the pages talk to this process.
//
//   import { startEngine } from './support/engine.mjs';
//   const engine = await startEngine({ name: 'storefront' });
//   ... engine.url, await engine.adminCommand(orderId, { type: 'start_processing' }) ...
//   await engine.stop();   // SIGTERM by pid, then the database is dropped
//
// Needs ORDER_ENGINE_BINARY (the built order_engine) and
// ORDER_ENGINE_TEST_DATABASE_URL (a PostgreSQL URL allowed to create databases,
// e.g. postgresql://postgres@/postgres?host=/sock&port=5432). The source tree
// (config, web/) is ORDER_ENGINE_SOURCE_DIR, else the tree this file is in.

import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const PSQL = '/usr/lib/postgresql/15/bin/psql';
export const ADMIN_TOKEN = 'browser-admin-token-0123456789abcdef';

export const sourceDir = resolve(
  process.env.ORDER_ENGINE_SOURCE_DIR || join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'));

function required(name) {
  const value = process.env[name];
  if (!value) {
    // A browser suite that skips without its engine would report green having
    // checked nothing, so this is an error.
    throw new Error(`${name} is not set: the browser tests need it (see tests/browser/run.sh)`);
  }
  return value;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

// Same server and options, other database: only the URL's path changes.
function urlWithDatabase(url, database) {
  const match = /^(postgres(?:ql)?:\/\/[^/?#]*)(\/[^?#]*)?(.*)$/.exec(url);
  if (!match) throw new Error(`not a PostgreSQL URL: ${url}`);
  return `${match[1]}/${database}${match[3]}`;
}

let counter = 0;
function databaseName(name) {
  const clean = name.toLowerCase().replace(/[^a-z0-9]/g, '_').slice(0, 32);
  return `b_${clean}_${process.pid}_${++counter}`;
}

async function psql(url, sql) {
  await run(PSQL, [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Engines still running when the test process ends (a failed assertion before
// stop()) are killed so that no orphan keeps a port or the database.
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Starts the engine and resolves once /healthz answers 200.
 * @param {object} [options]
 * @param {string} [options.name] names the database (letters and digits are kept)
 * @param {Record<string,string>} [options.env] extra ORDER_ENGINE_* settings
 */
export async function startEngine({ name = 'browser', env = {} } = {}) {
  const binary = required('ORDER_ENGINE_BINARY');
  const adminUrl = required('ORDER_ENGINE_TEST_DATABASE_URL');
  const database = databaseName(name);
  await psql(adminUrl, `create database "${database}"`);
  const databaseUrl = urlWithDatabase(adminUrl, database);

  const workDir = mkdtempSync(join(tmpdir(), `ccc-browser-${name.replace(/[^A-Za-z0-9]/g, '_')}-`));
  const mailDir = join(workDir, 'mail');
  const logFile = join(workDir, 'engine.log');
  // The shop's master key, its own like its database (security.master_key_file).
  const masterKeyFile = join(workDir, 'master.key');
  writeFileSync(masterKeyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  const port = await freePort();

  // Our own ORDER_ENGINE_* (the binary, the test URL) are not settings of the
  // engine; an unknown one would stop it at start-up.
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ORDER_ENGINE_')));
  Object.assign(childEnv, {
    ORDER_ENGINE_DATABASE_URL: databaseUrl,
    ORDER_ENGINE_SECURITY_MASTER_KEY_FILE: masterKeyFile,
    ORDER_ENGINE_HTTP_PORT: String(port),
    ORDER_ENGINE_ADMIN_TOKEN: ADMIN_TOKEN,
    ORDER_ENGINE_CATALOG_SEED_FILE: join(sourceDir, 'config', 'demo-catalog.json'),
    ORDER_ENGINE_WEB_ROOT: join(sourceDir, 'web'),
    ORDER_ENGINE_MAIL_TEMPLATES_DIR: join(sourceDir, 'config', 'templates'),
    ORDER_ENGINE_MAIL_DROP_DIR: mailDir,
    ORDER_ENGINE_LOG_LEVEL: 'warn',
    // Browsers keep connections open; the tests do not need a long drain.
    ORDER_ENGINE_HTTP_SHUTDOWN_GRACE: '1s',
    // Many orders from one address and one customer within seconds: the limits
    // against that are tested by the e2e suite.
    ORDER_ENGINE_LIMITS_CHECKOUT_PER_MINUTE: '0',
    ORDER_ENGINE_LIMITS_ORDER_ACTIONS_PER_MINUTE: '0',
    ORDER_ENGINE_LIMITS_ANALYTICS_PER_MINUTE: '0',
    ORDER_ENGINE_LIMITS_SIGN_IN_PER_MINUTE: '0',
    ORDER_ENGINE_MAIL_MAX_PER_RECIPIENT_PER_HOUR: '0',
    ...env,
  });

  const log = openSync(logFile, 'a');
  const child = spawn(binary, ['--config', join(sourceDir, 'config', 'engine.toml')], {
    cwd: workDir,
    env: childEnv,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  running.add(child);
  let exitCode = null;
  const exited = new Promise((r) => child.once('exit', (code, signal) => {
    exitCode = code ?? signal;
    running.delete(child);
    r(exitCode);
  }));
  child.once('error', () => {}); // reported through 'exit' / the health check

  const url = `http://127.0.0.1:${port}`;
  const engine = {
    url,
    port,
    pid: child.pid,
    adminToken: ADMIN_TOKEN,
    database,
    databaseUrl,
    mailDir,
    logFile,

    /** JSON request; resolves {status, headers, body} (body parsed when JSON). */
    async request(method, path, body, headers = {}) {
      const res = await fetch(url + path, {
        method,
        headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    /**
     * `order_engine admin add EMAIL` on this engine's database, the password on
     * stdin; resolves {email, password, secret, recoveryCodes}.
     */
    addAdmin(email, password = 'a long and varied passphrase') {
      return new Promise((resolveAdmin, reject) => {
        const cli = spawn(binary, ['--config', join(sourceDir, 'config', 'engine.toml'), 'admin', 'add', email], {
          cwd: workDir,
          env: childEnv,
        });
        let output = '';
        cli.stdout.on('data', (chunk) => (output += chunk));
        cli.stderr.on('data', (chunk) => (output += chunk));
        cli.on('error', reject);
        cli.on('exit', (code) => {
          const secret = /secret: ([A-Z2-7]+)/.exec(output);
          if (code !== 0 || !secret) return reject(new Error(`admin add exited ${code}: ${output}`));
          const recoveryCodes = [...output.matchAll(/^ {2}([0-9a-z]{5}-[0-9a-z]{5})$/gm)].map((m) => m[1]);
          resolveAdmin({ email, password, secret: secret[1], recoveryCodes });
        });
        cli.stdin.end(`${password}\n`);
      });
    },
    /** The admin's current authenticator code, as Debian's oathtool computes it. */
    async totp(secret) {
      const { stdout } = await run('oathtool', ['--totp', '-b', secret]);
      return stdout.trim();
    },
    adminGet(path) {
      return engine.request('GET', path, undefined, { Authorization: `Bearer ${ADMIN_TOKEN}` });
    },
    /** POST /admin/api/orders/{id}/commands; throws unless it answers 200. */
    async adminCommand(orderId, command) {
      const res = await engine.request('POST', `/admin/api/orders/${orderId}/commands`, command, {
        Authorization: `Bearer ${ADMIN_TOKEN}`,
      });
      if (res.status !== 200) {
        throw new Error(`admin command ${command.type} answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
      return res.body;
    },
    /** The last lines the engine printed (for failure messages). */
    logTail(lines = 30) {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    /** SIGTERM by pid (SIGKILL after 15 s), then drops the database. */
    async stop() {
      if (exitCode === null) {
        process.kill(child.pid, 'SIGTERM');
        let timer;
        const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), 15000); });
        const outcome = await Promise.race([exited, timeout]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          process.kill(child.pid, 'SIGKILL');
          await exited;
        }
      }
      try {
        await psql(adminUrl, `drop database if exists "${database}" with (force)`);
      } catch {
        // The cluster is thrown away after the run; a leftover database is
        // harmless and must not mask the test's own result.
      }
      rmSync(workDir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + 30000;
  for (;;) {
    if (exitCode !== null) {
      const tail = engine.logTail();
      await engine.stop();
      throw new Error(`order_engine exited during start-up (${exitCode}):\n${tail}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const tail = engine.logTail();
      await engine.stop();
      throw new Error(`order_engine did not become healthy within 30 s:\n${tail}`);
    }
    await sleep(50);
  }
  return engine;
}
