import { isIPv4, isIPv6 } from 'node:net';

/**
 * Whether binding `host` keeps Ferry on this machine: `localhost`, any of 127.0.0.0/8 (RFC 1122
 * §3.2.1.3), `::1`, or a 127.x address written as IPv4-mapped IPv6.
 */
export function isLoopbackHost(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (address === 'localhost') return true;
  if (isIPv4(address)) return address.startsWith('127.');
  if (!isIPv6(address)) return false;
  const mapped = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (mapped !== undefined) return mapped.startsWith('127.');
  return /^(?:0*:)*:?0*1$/.test(address);
}
