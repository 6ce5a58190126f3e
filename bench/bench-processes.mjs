// Child processes of a benchmark run, and what /proc says about their CPU time and memory.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';

const root = new URL('..', import.meta.url);

/**
 * Starts `node ...args` (or `command ...args`, e.g. `bin/ferry` as users run it) in the
 * repository and resolves once its output matches readyPattern.
 */
export function startProcess(args, readyPattern, command = process.execPath, env = process.env) {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (data) => {
      seen += data.toString();
      const match = readyPattern.exec(seen);
      if (!match) return;
      // From here on the output is drained unread: scanning it would load this process, which
      // is also the load generator.
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.stdout.resume();
      child.stderr.resume();
      resolve({ child, port: Number(match[1]) });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}): ${seen}`)));
    setTimeout(() => reject(new Error(`${args[0]} did not start: ${seen}`)), 15_000).unref();
  });
}

/**
 * Ferry (`bin/ferry ...args`) as users start it, with its launcher's own Node flags; or, when
 * `nodeFlags` are given to try, `node ...nodeFlags bin/ferry ...args` instead. `node` is the
 * Node binary to run it on (this one's by default); the launcher finds it first on its PATH.
 */
export function startFerry(
  nodeFlags,
  args,
  readyPattern,
  launcher = 'bin/ferry',
  node = process.execPath,
) {
  if (nodeFlags.length > 0)
    return startProcess([...nodeFlags, launcher, ...args], readyPattern, node);
  const path = `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`;
  return startProcess(args, readyPattern, launcher, { ...process.env, PATH: path });
}

/** `serve` arguments for a Ferry gateway in front of `upstreamUrl` in the benchmarks. */
export function ferryServeArgs(upstreamUrl) {
  return [
    'serve',
    '--upstream',
    upstreamUrl,
    '--port',
    '0',
    '--log-level',
    'info',
    '--api-key',
    'bench',
  ];
}

/** The log line that says Ferry listens, with its port. */
export const ferryListening = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

/**
 * Starts a new peak-RSS window: Linux (4.0 and later) sets VmHWM back to the current RSS when
 * `5` is written to /proc/PID/clear_refs, so a benchmark cell's own peak can be read after it.
 * False where that is not allowed; the peak then covers the process's whole life.
 */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export function processStats(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  // utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second).
  // The kernel's "kB" are KiB; MB here are 10^6 bytes, as the targets are stated (the
  // embedded engine's benchmark reads its peak here too).
  const mb = (name) => (kb(name) * 1024) / 1e6;
  return {
    cpuMs: (Number(stat[11]) + Number(stat[12])) * 10,
    rssMb: mb('VmRSS'),
    peakRssMb: mb('VmHWM'),
  };
}
