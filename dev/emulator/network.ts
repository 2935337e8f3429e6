/**
 * The emulator's stand-in for EC2 networking, just enough for mount targets. There is one VPC per
 * Region; a subnet id names its Availability Zone by its last character: `subnet-a`, `subnet-1a`
 * and `subnet-0123abcd` are in `<region>a`, `<region>a` and `<region>d`; an id ending in a digit is
 * in `<region>a`. Every id of the form `subnet-<letters and digits>` exists; anything else is
 * SubnetNotFound. The subnets of zone number n (a = 0) share the range 10.0.n.0/24.
 */
import { EfsError } from './errors';

export const emulatedVpcId = 'vpc-0e1a5710f5e0000a1';
/** The VPC's default security group, used when CreateMountTarget names none. */
export const defaultSecurityGroupId = 'sg-0e1a5710f5e0000d1';
export const maxSecurityGroupsPerMountTarget = 5;

const subnetPattern = /^subnet-[0-9a-zA-Z]+$/;
const securityGroupPattern = /^sg-[0-9a-zA-Z]+$/;

export interface Subnet {
  id: string;
  vpcId: string;
  availabilityZoneName: string;
  availabilityZoneId: string;
  /** First three octets of the subnet's /24. */
  prefix: string;
}

export function findSubnet(subnetId: string, region: string): Subnet {
  if (!subnetPattern.test(subnetId)) throw new EfsError('SubnetNotFound', `The subnet ID '${subnetId}' does not exist`);
  const last = subnetId.charAt(subnetId.length - 1).toLowerCase();
  const zoneLetter = /[a-z]/.test(last) ? last : 'a';
  const zoneIndex = zoneLetter.charCodeAt(0) - 'a'.charCodeAt(0);
  return {
    id: subnetId,
    vpcId: emulatedVpcId,
    availabilityZoneName: region + zoneLetter,
    availabilityZoneId: availabilityZoneId(region + zoneLetter),
    prefix: `10.0.${zoneIndex}`,
  };
}

export function checkSecurityGroups(groups: string[]): void {
  if (groups.length > maxSecurityGroupsPerMountTarget) {
    throw new EfsError(
      'SecurityGroupLimitExceeded',
      `A mount target can have at most ${maxSecurityGroupsPerMountTarget} security groups; got ${groups.length}`,
    );
  }
  for (const group of groups) {
    if (!securityGroupPattern.test(group)) {
      throw new EfsError('SecurityGroupNotFound', `The security group '${group}' does not exist`);
    }
  }
}

/** `us-east-1a` -> `use1-az1`, `ap-southeast-2c` -> `apse2-az3` (zone ids are per account in AWS). */
export function availabilityZoneId(zoneName: string): string {
  const match = /^([a-z]+)-([a-z]+)-(\d+)([a-z])$/.exec(zoneName);
  if (!match) return `${zoneName}-az1`;
  const [, area, direction, number, letter] = match as unknown as [string, string, string, string, string];
  const compass = direction
    .replace('north', 'n')
    .replace('south', 's')
    .replace('east', 'e')
    .replace('west', 'w')
    .replace('central', 'c');
  return `${area}${compass}${number}-az${letter.charCodeAt(0) - 'a'.charCodeAt(0) + 1}`;
}

/** The zone must be in the request's Region: `<region>` plus one letter. */
export function checkAvailabilityZone(zoneName: string, region: string): void {
  if (!new RegExp(`^${region.replace(/[-]/g, '\\-')}[a-z]$`).test(zoneName)) {
    throw new EfsError('UnsupportedAvailabilityZone', `Availability Zone '${zoneName}' is not supported in ${region}`);
  }
}

/** AWS keeps the first four addresses and the last one of a subnet. */
const firstUsableHost = 4;
const lastUsableHost = 254;

export function allocateIpAddress(subnet: Subnet, inUse: ReadonlySet<string>): string {
  for (let host = firstUsableHost; host <= lastUsableHost; host++) {
    const candidate = `${subnet.prefix}.${host}`;
    if (!inUse.has(candidate)) return candidate;
  }
  throw new EfsError('NoFreeAddressesInSubnet', `Subnet '${subnet.id}' has no free IP addresses`);
}

export function checkRequestedIpAddress(subnet: Subnet, ip: string, inUse: ReadonlySet<string>): void {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  const host = match ? Number(match[4]) : NaN;
  if (!match || !ip.startsWith(subnet.prefix + '.') || host < firstUsableHost || host > lastUsableHost) {
    throw new EfsError(
      'BadRequest',
      `IP address '${ip}' is not a usable address of subnet '${subnet.id}' (${subnet.prefix}.0/24)`,
    );
  }
  if (inUse.has(ip))
    throw new EfsError('IpAddressInUse', `IP address '${ip}' is already in use in subnet '${subnet.id}'`);
}
