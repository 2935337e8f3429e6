import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { parsers, type Setting } from '../shared/config';
import { type Logger } from '../shared/log';
import { podNamespace } from '../shared/pod';

/**
 * Leader election over a coordination.k8s.io Lease, following client-go's leaderelection package
 * with controller-runtime's timings. Several watchers may run; only the one holding the Lease
 * watches and signals. A standby takes over once the Lease has not changed for LeaseDuration (as
 * measured on its own clock, so clock skew between hosts does not matter).
 */

export const defaultLeaseName = 'efs-orchestrator-watcher';

/** controller-runtime's defaults (manager/internal.go). */
export const defaultTimings: LeaderTimings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** client-go's JitterFactor: a candidate retries after RetryPeriod plus up to 1.2 RetryPeriods. */
const jitterFactor = 1.2;

export interface LeaderTimings {
  /** How long a standby waits, after the Lease last changed, before taking it over. */
  leaseDurationMs: number;
  /** How long the leader keeps trying to renew before it stops acting as leader. */
  renewDeadlineMs: number;
  /** Time between renewals, and between a candidate's attempts. */
  retryPeriodMs: number;
}

const setting = <T>(s: Setting<T>): Setting<T> => s;

export const leaderElectionSettings = {
  leaderElect: setting({
    flag: 'leader-elect',
    env: 'LEADER_ELECT',
    default: true,
    description: 'Hold a Lease so that only one of several watchers acts (--leader-elect=false: act alone)',
    parse: parsers.boolean,
  }),
  leaderElectionNamespace: setting({
    flag: 'leader-election-namespace',
    env: 'LEADER_ELECTION_NAMESPACE',
    default: '',
    description: "Namespace of the Lease (empty: the watched namespace, else the pod's own namespace, else `default`)",
    parse: parsers.string,
  }),
  leaderElectionId: setting({
    flag: 'leader-election-id',
    env: 'LEADER_ELECTION_ID',
    default: defaultLeaseName,
    description: 'Name of the Lease',
    parse: parsers.string,
  }),
};

/**
 * Where the Lease lives when not configured: a namespace-scoped watcher keeps it in the namespace
 * it watches (so a namespaced Role suffices and separate installs never compete); a cluster-wide
 * one in its pod's namespace, as controller-runtime does; outside a cluster in `default`.
 */
export function leaseNamespaceFor(configured: string, watchNamespace: string, readPodNamespace = podNamespace): string {
  return configured || watchNamespace || readPodNamespace() || 'default';
}

/** Unique per process and start, like client-go's `hostname + "_" + uuid`. */
export function electionIdentity(): string {
  return `${os.hostname()}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** client-go validates the same: otherwise a leader could lose the Lease while still acting. */
export function validateTimings(t: LeaderTimings): void {
  if (!(t.leaseDurationMs > t.renewDeadlineMs)) throw new Error('leaseDuration must be greater than renewDeadline');
  if (!(t.renewDeadlineMs > jitterFactor * t.retryPeriodMs)) {
    throw new Error(`renewDeadline must be greater than retryPeriod*${jitterFactor}`);
  }
  if (t.retryPeriodMs < 1) throw new Error('retryPeriod must be positive');
}

/** The Lease fields the election reads and writes. */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: number;
  renewTime: number;
  leaseTransitions: number;
}

/** The Lease as last read, and when (on this process's clock) it was last seen to change. */
export interface LeaseObservation {
  record: LeaseRecord;
  resourceVersion: string;
  observedAt: number;
}

export type LeaseDecision =
  | { action: 'create'; record: LeaseRecord }
  | { action: 'update'; record: LeaseRecord }
  | { action: 'wait'; holder: string; expiresAt: number };

/**
 * client-go's tryAcquireOrRenew, without I/O: take a Lease that is missing, released (no holder),
 * expired (unchanged for its duration as seen locally) or already ours; leave a live one alone.
 */
export function decideLease(
  identity: string,
  current: LeaseObservation | undefined,
  now: number,
  leaseDurationSeconds: number,
): LeaseDecision {
  const fresh: LeaseRecord = {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: 0,
  };
  if (!current) return { action: 'create', record: fresh };
  const { record, observedAt } = current;
  const expiresAt = observedAt + record.leaseDurationSeconds * 1000;
  if (record.holderIdentity && record.holderIdentity !== identity && expiresAt > now) {
    return { action: 'wait', holder: record.holderIdentity, expiresAt };
  }
  if (record.holderIdentity === identity) {
    return { action: 'update', record: { ...record, leaseDurationSeconds, renewTime: now } };
  }
  return { action: 'update', record: { ...fresh, leaseTransitions: record.leaseTransitions + 1 } };
}

/** What a graceful leader writes when it steps down: no holder, so a standby takes over at once. */
export function releasedRecord(record: LeaseRecord, now: number): LeaseRecord {
  return { ...record, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now };
}

export function recordOf(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  const time = (t: Date | undefined): number => (t ? new Date(t).getTime() : 0);
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: time(spec.acquireTime),
    renewTime: time(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

export interface LeaderElectorOptions {
  kc: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  log: Logger;
  timings?: LeaderTimings;
  /** Called when this process starts or stops leading (metrics, logs). */
  onLeadingChange?: (leading: boolean) => void;
}

/** Work that runs only while leading; it must stop soon after `lost` aborts. */
export type LeaderWork = (lost: AbortSignal) => Promise<void>;

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private readonly timings: LeaderTimings;
  private observed?: LeaseObservation;
  private leading = false;
  private lastFailure?: string;

  constructor(private readonly options: LeaderElectorOptions) {
    this.timings = options.timings ?? defaultTimings;
    validateTimings(this.timings);
    this.api = options.kc.makeApiClient(CoordinationV1Api);
  }

  get identity(): string {
    return this.options.identity;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder of the Lease as last read (empty when released or never read). */
  observedHolder(): string {
    return this.observed?.record.holderIdentity ?? '';
  }

  /**
   * Campaigns, runs `work` while leading, and campaigns again after losing the Lease, until
   * `shutdown` aborts; then stops the work and releases the Lease so a standby need not wait.
   * Rejects if `work` does (after releasing).
   */
  async run(work: LeaderWork, shutdown: AbortSignal): Promise<void> {
    const { log, namespace, name, identity } = this.options;
    while (!shutdown.aborted) {
      if (!(await this.acquire(shutdown))) break;
      const lost = new AbortController();
      const stopOnShutdown = (): void => lost.abort();
      shutdown.addEventListener('abort', stopOnShutdown);
      this.setLeading(true);
      log.info('became leader', { lease: `${namespace}/${name}`, identity });
      let failure: unknown;
      const working = work(lost.signal).catch((err: unknown) => {
        failure = err;
      });
      const renewing = this.renewWhileLeading(lost.signal).then((stillLeading) => {
        if (!stillLeading) {
          log.warn('lost the leader lease; not acting until it is won again', { lease: `${namespace}/${name}` });
        }
        lost.abort();
        return stillLeading;
      });
      // The work ends when leadership ends, or by itself (a failure); renewals then stop with it.
      await working;
      lost.abort();
      const stillLeading = await renewing;
      shutdown.removeEventListener('abort', stopOnShutdown);
      this.setLeading(false);
      if (!stillLeading) continue;
      await this.release();
      if (failure !== undefined) throw failure;
      // Shutdown, or the work returned while leading: either way this process is done leading.
      return;
    }
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.options.onLeadingChange?.(leading);
  }

  /** Tries every RetryPeriod (jittered) until the Lease is ours; false if shutdown came first. */
  private async acquire(shutdown: AbortSignal): Promise<boolean> {
    const { log, namespace, name } = this.options;
    let lastHolder: string | undefined;
    while (!shutdown.aborted) {
      const outcome = await this.tryAcquireOrRenew();
      if (outcome === true) return true;
      if (typeof outcome === 'string' && outcome !== lastHolder) {
        log.info('waiting for the leader lease', { lease: `${namespace}/${name}`, holder: outcome });
        lastHolder = outcome;
      }
      const period = this.timings.retryPeriodMs;
      await sleep(period + Math.random() * jitterFactor * period, shutdown);
    }
    return false;
  }

  /**
   * Renews every RetryPeriod. Resolves false when no renewal succeeded for RenewDeadline, or the
   * Lease turned out to be someone else's; true when `stop` aborted first.
   */
  private async renewWhileLeading(stop: AbortSignal): Promise<boolean> {
    let lastRenewed = Date.now();
    while (!stop.aborted) {
      await sleep(this.timings.retryPeriodMs, stop);
      if (stop.aborted) return true;
      const outcome = await this.tryAcquireOrRenew(this.timings.renewDeadlineMs - (Date.now() - lastRenewed));
      if (outcome === true) {
        lastRenewed = Date.now();
        continue;
      }
      if (typeof outcome === 'string') return false;
      if (Date.now() - lastRenewed >= this.timings.renewDeadlineMs) return false;
    }
    return true;
  }

  /** true: the Lease is ours; a string: it is held by that identity; false: the attempt failed. */
  private async tryAcquireOrRenew(timeoutMs = this.timings.renewDeadlineMs): Promise<true | string | false> {
    const { namespace, name, identity, log } = this.options;
    try {
      return await withTimeout(Math.max(timeoutMs, 500), async () => {
        const lease = await this.readLease();
        const now = Date.now();
        if (lease) this.observe(lease, now);
        const decision = decideLease(
          identity,
          lease ? this.observed : undefined,
          now,
          Math.round(this.timings.leaseDurationMs / 1000),
        );
        if (decision.action === 'wait') {
          this.lastFailure = undefined;
          return decision.holder;
        }
        const written =
          decision.action === 'create'
            ? await this.api.createNamespacedLease({ namespace, body: this.leaseBody(decision.record) })
            : await this.api.replaceNamespacedLease({
                namespace,
                name,
                body: this.leaseBody(decision.record, lease?.metadata?.resourceVersion),
              });
        this.observe(written, Date.now());
        this.lastFailure = undefined;
        return true as const;
      });
    } catch (err) {
      // Another candidate wrote first (409) or the API server is away: try again next period,
      // saying so once per distinct failure rather than every period.
      const failure = (err as Error).message ?? String(err);
      if ((err as { code?: unknown }).code !== 409 && failure !== this.lastFailure) {
        log.warn('leader lease request failed; retrying', { lease: `${namespace}/${name}`, error: err });
      }
      this.lastFailure = failure;
      return false;
    }
  }

  private async readLease(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ name: this.options.name, namespace: this.options.namespace });
    } catch (err) {
      if ((err as { code?: unknown }).code === 404) return undefined;
      throw err;
    }
  }

  private observe(lease: V1Lease, now: number): void {
    const resourceVersion = lease.metadata?.resourceVersion ?? '';
    if (this.observed?.resourceVersion === resourceVersion) return;
    this.observed = { record: recordOf(lease), resourceVersion, observedAt: now };
  }

  private leaseBody(record: LeaseRecord, resourceVersion?: string): V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.options.name, namespace: this.options.namespace, resourceVersion },
      spec: {
        holderIdentity: record.holderIdentity,
        leaseDurationSeconds: record.leaseDurationSeconds,
        acquireTime: new V1MicroTime(record.acquireTime),
        renewTime: new V1MicroTime(record.renewTime),
        leaseTransitions: record.leaseTransitions,
      },
    };
  }

  /** Gives the Lease up if it is still ours, so a standby takes over without waiting for it to expire. */
  private async release(): Promise<void> {
    const { namespace, name, identity, log } = this.options;
    try {
      await withTimeout(this.timings.renewDeadlineMs, async () => {
        const lease = await this.readLease();
        if (!lease || recordOf(lease).holderIdentity !== identity) return;
        await this.api.replaceNamespacedLease({
          namespace,
          name,
          body: this.leaseBody(releasedRecord(recordOf(lease), Date.now()), lease.metadata?.resourceVersion),
        });
        log.info('released the leader lease', { lease: `${namespace}/${name}` });
      });
    } catch (err) {
      log.warn('could not release the leader lease; a standby takes over once it expires', {
        lease: `${namespace}/${name}`,
        error: err,
      });
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener('abort', done);
  });
}

/** A hung request must not outlive the renew deadline: the caller moves on (the request is abandoned). */
async function withTimeout<T>(ms: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`lease request took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface LeaderElectionConfig {
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  /** The namespace the watcher watches (empty: all), the Lease's default home. */
  watchNamespace: string;
}

/**
 * Runs `work` while this process leads, campaigning again after a loss, until `shutdown` aborts;
 * with leader election off, runs it at once until `shutdown`. `onLeadingChange` hears every
 * change (for the leader metric), with the Lease as `namespace/name`.
 */
export async function runLeaderElected(
  config: LeaderElectionConfig,
  kc: KubeConfig,
  log: Logger,
  work: LeaderWork,
  shutdown: AbortSignal,
  onLeadingChange?: (leading: boolean, lease: string) => void,
): Promise<void> {
  if (!config.leaderElect) {
    log.info('leader election off: watching without a Lease');
    await work(shutdown);
    return;
  }
  const namespace = leaseNamespaceFor(config.leaderElectionNamespace, config.watchNamespace);
  const lease = `${namespace}/${config.leaderElectionId}`;
  const elector = new LeaderElector({
    kc,
    namespace,
    name: config.leaderElectionId,
    identity: electionIdentity(),
    log,
    onLeadingChange: (leading) => onLeadingChange?.(leading, lease),
  });
  onLeadingChange?.(false, lease);
  log.info('campaigning for the leader lease', { lease, identity: elector.identity });
  await elector.run(work, shutdown);
}
