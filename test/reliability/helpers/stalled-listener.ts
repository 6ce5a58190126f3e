import { spawn } from 'node:child_process';
import net from 'node:net';

export interface StalledListener {
  port: number;
  close(): void;
}

/**
 * A port where TCP connects hang, to exercise the connect timeout on loopback: a process
 * listening with a backlog of one is stopped (SIGSTOP), and the accept queue is filled, so the
 * kernel drops further SYNs and a connect neither succeeds nor fails.
 */
export async function startStalledListener(): Promise<StalledListener> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const s=require('net').createServer();s.listen({host:'127.0.0.1',port:0,backlog:1},()=>console.log(s.address().port))",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('listener did not start')), 5000);
    child.stdout.once('data', (data: Buffer) => {
      clearTimeout(timer);
      resolve(Number(String(data).trim()));
    });
  });
  child.kill('SIGSTOP');
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 4; i++)
    fillers.push(net.connect({ host: '127.0.0.1', port }).on('error', () => undefined));
  return {
    port,
    close: () => {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
    },
  };
}

/** A loopback port nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
