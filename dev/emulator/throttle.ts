/**
 * Request-rate throttling as AWS applies it: per account and Region, a token bucket per family of
 * operations; a request that finds its bucket empty is answered with ThrottlingException and not
 * processed. AWS publishes no EFS rates (efs-api.md §5); ~10 requests a second is what users
 * observe for DescribeFileSystems, and the families are this emulator's model of "DescribeMountTargets
 * and DescribeFileSystemPolicy throttle on their own".
 */
import {
  type OperationFamily,
  type ThrottleFamilyCounter,
  type ThrottleSettings,
  type ThrottleStatus,
} from './admin-types';
import { type Scope } from './model';

export const operationFamilies: readonly OperationFamily[] = [
  'fileSystemReads',
  'mountTargetReads',
  'accessPointReads',
  'settingReads',
  'tagReads',
  'writes',
];

const readFamilies: Record<string, OperationFamily> = {
  DescribeFileSystems: 'fileSystemReads',
  DescribeMountTargets: 'mountTargetReads',
  DescribeMountTargetSecurityGroups: 'mountTargetReads',
  DescribeAccessPoints: 'accessPointReads',
  DescribeBackupPolicy: 'settingReads',
  DescribeLifecycleConfiguration: 'settingReads',
  DescribeFileSystemPolicy: 'settingReads',
  DescribeReplicationConfigurations: 'settingReads',
  DescribeAccountPreferences: 'settingReads',
  ListTagsForResource: 'tagReads',
  DescribeTags: 'tagReads',
};

/** The family whose bucket an operation draws from: every operation that changes something is a write. */
export function familyOf(operation: string): OperationFamily {
  return readFamilies[operation] ?? 'writes';
}

/** Off unless asked for: the emulator's CLI (the dev stack, the benchmarks) turns it on. */
export const defaultThrottleSettings: ThrottleSettings = {
  enabled: false,
  ratePerSecond: 10,
  burst: 10,
  families: {},
};

export class InvalidThrottleSettings extends Error {
  override name = 'InvalidThrottleSettings';
}

interface Bucket {
  tokens: number;
  last: number;
  allowed: number;
  throttled: number;
}

/**
 * The buckets refill in real time, not emulated time: the callers' request rate is a real rate
 * whatever the emulator's clock says.
 */
export class RequestThrottle {
  private current: ThrottleSettings;
  private buckets = new Map<string, Bucket>();

  constructor(
    private readonly initial: ThrottleSettings = defaultThrottleSettings,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.current = checkedThrottleSettings(initial);
  }

  get settings(): ThrottleSettings {
    return structuredClone(this.current);
  }

  /** Takes a token for the request; false means answer ThrottlingException. */
  admit(scope: Scope, operation: string): boolean {
    if (!this.current.enabled) return true;
    const family = familyOf(operation);
    const { ratePerSecond, burst } = this.limitOf(family);
    const key = bucketKey(scope, family);
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: burst, last: now, allowed: 0, throttled: 0 };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.last) / 1000) * ratePerSecond);
    bucket.last = now;
    if (bucket.tokens < 1) {
      bucket.throttled++;
      return false;
    }
    bucket.tokens -= 1;
    bucket.allowed++;
    return true;
  }

  /** Replaces the settings given (the rest stay); buckets start full again, counters stay. */
  update(change: Partial<ThrottleSettings>): ThrottleSettings {
    this.current = checkedThrottleSettings({ ...this.current, ...change });
    for (const bucket of this.buckets.values()) bucket.tokens = Number.POSITIVE_INFINITY;
    return this.settings;
  }

  /** Back to the starting settings, full buckets and zero counters. */
  reset(): void {
    this.current = checkedThrottleSettings(this.initial);
    this.buckets.clear();
  }

  resetCounters(): void {
    for (const bucket of this.buckets.values()) {
      bucket.allowed = 0;
      bucket.throttled = 0;
    }
  }

  status(): ThrottleStatus {
    const counters: ThrottleFamilyCounter[] = [...this.buckets].map(([key, bucket]) => {
      const [accountId, region, family] = key.split('/') as [string, string, OperationFamily];
      return { accountId, region, family, allowed: bucket.allowed, throttled: bucket.throttled };
    });
    return { settings: this.settings, counters };
  }

  private limitOf(family: OperationFamily): { ratePerSecond: number; burst: number } {
    return this.current.families[family] ?? { ratePerSecond: this.current.ratePerSecond, burst: this.current.burst };
  }
}

function bucketKey(scope: Scope, family: OperationFamily): string {
  return `${scope.accountId}/${scope.region}/${family}`;
}

function checkedLimit(where: string, ratePerSecond: unknown, burst: unknown): void {
  if (typeof ratePerSecond !== 'number' || !Number.isFinite(ratePerSecond) || ratePerSecond <= 0)
    throw new InvalidThrottleSettings(`${where}ratePerSecond must be a positive number`);
  if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1)
    throw new InvalidThrottleSettings(`${where}burst must be an integer of at least 1`);
}

/** Validates settings from the CLI or the admin API; the message says which value to fix. */
export function checkedThrottleSettings(settings: ThrottleSettings): ThrottleSettings {
  const known = new Set(['enabled', 'ratePerSecond', 'burst', 'families']);
  for (const key of Object.keys(settings)) {
    if (!known.has(key))
      throw new InvalidThrottleSettings(`unknown throttle setting '${key}'; settings: ${[...known].join(', ')}`);
  }
  if (typeof settings.enabled !== 'boolean') throw new InvalidThrottleSettings('enabled must be true or false');
  checkedLimit('', settings.ratePerSecond, settings.burst);
  const families = settings.families as unknown;
  if (typeof families !== 'object' || families === null || Array.isArray(families))
    throw new InvalidThrottleSettings('families must be an object of family -> {ratePerSecond, burst}');
  for (const [family, limit] of Object.entries(families as Record<string, unknown>)) {
    if (!(operationFamilies as readonly string[]).includes(family))
      throw new InvalidThrottleSettings(
        `unknown operation family '${family}'; families: ${operationFamilies.join(', ')}`,
      );
    if (typeof limit !== 'object' || limit === null)
      throw new InvalidThrottleSettings(`families.${family} must be {ratePerSecond, burst}`);
    const { ratePerSecond, burst } = limit as Record<string, unknown>;
    checkedLimit(`families.${family}.`, ratePerSecond, burst);
  }
  return structuredClone(settings);
}
