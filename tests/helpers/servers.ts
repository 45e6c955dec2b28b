/**
 * Store servers a test may kill: a private `redis-server` on its own port and data folder, and a TCP proxy in front
 * of PostgreSQL whose connections a test can cut and restore (the shared servers on 6379/5432 are never touched).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reachable } from './backends.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A `redis-server` this test owns. */
export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL, as a crash or an OOM kill would. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data folder (the append-only file brings the data back). */
  restart(): Promise<void>;
  /** Kills it and removes its folder. */
  close(): Promise<void>;
}

/** True when `redis-server` can be run here. */
export async function haveRedisServer(): Promise<boolean> {
  try {
    const child = spawn('redis-server', ['--version'], { stdio: 'ignore' });
    const [code] = (await once(child, 'exit')) as [number];
    return code === 0;
  } catch {
    return false;
  }
}

/**
 * Starts `redis-server` on a free port with an fsync-always append-only file in a temp folder, so a SIGKILL loses
 * nothing the bot was told was written — a restart is an outage, not data loss.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'adb-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const up = async () => {
    if (child) return;
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], {
      stdio: 'ignore',
    });
    // Generous: a restart replays the append-only file, slow on a loaded CI machine.
    const deadline = Date.now() + 30_000;
    while (!(await reachable(url, port, 200))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
      await sleep(50);
    }
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  };
  await up();
  return {
    url,
    port,
    kill,
    restart: up,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A proxy to a TCP server whose link a test can cut (every connection reset, new ones refused) and restore. */
export interface CuttableProxy {
  port: number;
  /** Resets every open connection and stops accepting new ones. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on a free port forwarding to `target`. */
export async function startCuttableProxy(target: { host: string; port: number }): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = async () => {
    if (server) return;
    const s = createServer((client) => {
      const upstream = connect(target);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    s.listen(port, '127.0.0.1');
    await once(s, 'listening');
    port = (s.address() as { port: number }).port;
    server = s;
  };
  const cut = async () => {
    const s = server;
    server = null;
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return { port, cut, restore: listen, close: cut };
}
