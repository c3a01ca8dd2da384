import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a vendor base URL may resolve to. A resource's baseUrl is user input: without this, anyone who can
 * create a ManagementContext could make the sync function call the cloud metadata service or itself.
 */
export interface AddressPolicy {
  allowLoopback: boolean;
  allowLinkLocal: boolean;
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addAddress('0.0.0.0', 'ipv4');
loopback.addAddress('::', 'ipv6');

// Link-local covers the AWS/GCP/Azure metadata address 169.254.169.254; the others are well-known metadata endpoints.
const linkLocalOrMetadata = new BlockList();
linkLocalOrMetadata.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocalOrMetadata.addSubnet('fe80::', 10, 'ipv6');
linkLocalOrMetadata.addAddress('fd00:ec2::254', 'ipv6');
linkLocalOrMetadata.addAddress('100.100.100.200', 'ipv4');

export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): AddressPolicy {
  return { allowLoopback: env.ALLOW_LOOPBACK === 'true', allowLinkLocal: env.ALLOW_LINK_LOCAL === 'true' };
}

/** Why an address is refused, or undefined when it is allowed. */
export function refusal(address: string, policy: AddressPolicy): string | undefined {
  const family: 'ipv4' | 'ipv6' = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) must not slip through.
  const mapped = family === 'ipv6' && /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const [addr, fam]: [string, 'ipv4' | 'ipv6'] = mapped ? [mapped, 'ipv4'] : [address, family];
  if (!policy.allowLoopback && loopback.check(addr, fam)) return `${address} is a loopback address`;
  if (!policy.allowLinkLocal && linkLocalOrMetadata.check(addr, fam)) return `${address} is a link-local or metadata address`;
  return undefined;
}
