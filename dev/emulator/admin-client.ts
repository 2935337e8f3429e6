/**
 * A typed client of the emulator's admin API, for tests and tools:
 *
 *   const admin = new EmulatorAdminClient(process.env.EFS_EMULATOR_ADMIN_URL!);
 *   await admin.holdInCreating({ creationToken: 'my-token' });
 *   await admin.injectFault({ operation: 'CreateFileSystem', kind: 'throttling', times: 2 });
 *   ... exercise the code under test ...
 *   await admin.setState(fileSystemId, 'available');
 *   expect((await admin.counters()).operations.CreateFileSystem?.requests).toBe(3);
 */
import {
  type AdminFileSystem,
  type AdminMountTarget,
  type ClockUpdate,
  type CountersSnapshot,
  type CreateDelayRequest,
  type FaultRuleStatus,
  type FaultSpec,
  type ThrottleSettings,
  type ThrottleStatus,
} from './admin-types';
import { type ClockState } from './clock';
import { type EmulatorConfig, type LifeCycleState } from './model';
import { type CreateDelayOverride } from './store';

export type EmulatorConfigView = EmulatorConfig & { timeScale: number };

export class EmulatorAdminError extends Error {
  override name = 'EmulatorAdminError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class EmulatorAdminClient {
  /** `adminUrl` as the emulator reports it, e.g. `http://127.0.0.1:18080/__admin`. */
  constructor(readonly adminUrl: string) {}

  health(): Promise<{ ok: boolean }> {
    return this.call('GET', '/health');
  }

  /** Forgets all resources, faults, counters and delay overrides; restores the starting settings and unfreezes the clock. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  config(): Promise<EmulatorConfigView> {
    return this.call('GET', '/config');
  }

  setConfig(changes: Partial<EmulatorConfigView>): Promise<EmulatorConfigView> {
    return this.call('PATCH', '/config', changes);
  }

  /** How long every new file system stays `creating` (unless an override applies). */
  setCreateDelay(delayMs: number): Promise<EmulatorConfigView> {
    return this.setConfig({ createDelayMs: delayMs });
  }

  /**
   * Keeps the next file system with this creation token, or the next N file systems, in `creating`
   * for `delayMs`, or until `setState(id, 'available')` when `delayMs` is left out.
   */
  async holdInCreating(
    target: { creationToken: string } | { next: number },
    delayMs: number | null = null,
  ): Promise<CreateDelayOverride[]> {
    const request: CreateDelayRequest = { ...target, delayMs };
    return (await this.call<{ overrides: CreateDelayOverride[] }>('POST', '/create-delays', request)).overrides;
  }

  async clearCreateDelays(): Promise<void> {
    await this.call('DELETE', '/create-delays');
  }

  /** Forces a file system's state now (held until changed again), e.g. 'available' or 'error'. */
  setState(fileSystemId: string, state: LifeCycleState): Promise<AdminFileSystem> {
    return this.call('POST', `/file-systems/${encodeURIComponent(fileSystemId)}/state`, { state });
  }

  setMountTargetState(mountTargetId: string, state: LifeCycleState): Promise<AdminMountTarget> {
    return this.call('POST', `/mount-targets/${encodeURIComponent(mountTargetId)}/state`, { state });
  }

  /** Every file system in every Region and account, with pending transitions. */
  async fileSystems(): Promise<AdminFileSystem[]> {
    return (await this.call<{ fileSystems: AdminFileSystem[] }>('GET', '/file-systems')).fileSystems;
  }

  async mountTargets(): Promise<AdminMountTarget[]> {
    return (await this.call<{ mountTargets: AdminMountTarget[] }>('GET', '/mount-targets')).mountTargets;
  }

  injectFault(spec: FaultSpec): Promise<FaultRuleStatus> {
    return this.call('POST', '/faults', spec);
  }

  async faults(): Promise<FaultRuleStatus[]> {
    return (await this.call<{ faults: FaultRuleStatus[] }>('GET', '/faults')).faults;
  }

  async removeFault(id: string): Promise<void> {
    await this.call('DELETE', `/faults/${encodeURIComponent(id)}`);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  /** Lets responses held by `pauseAfter` rules go (one rule's, or all); returns how many. */
  async releaseHeld(faultId?: string): Promise<number> {
    return (
      await this.call<{ released: number }>('POST', '/faults/release', faultId === undefined ? {} : { id: faultId })
    ).released;
  }

  /** Resolves once a `pauseAfter` rule holds at least `count` responses. */
  async waitForHeld(
    faultId: string,
    { count = 1, timeoutMs = 10_000 }: { count?: number; timeoutMs?: number } = {},
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rule = (await this.faults()).find((f) => f.id === faultId);
      if (!rule) throw new EmulatorAdminError(404, `no fault rule '${faultId}'`);
      if (rule.held >= count) return;
      if (Date.now() > deadline)
        throw new Error(`fault rule ${faultId} held ${rule.held} responses, not ${count}, within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  counters(): Promise<CountersSnapshot> {
    return this.call('GET', '/counters');
  }

  async resetCounters(): Promise<void> {
    await this.call('DELETE', '/counters');
  }

  /** The request-rate throttle's settings and per-bucket counts. */
  throttle(): Promise<ThrottleStatus> {
    return this.call('GET', '/throttle');
  }

  /** Changes the throttle's settings (the rest stay); every bucket starts full again. */
  async setThrottle(change: Partial<ThrottleSettings>): Promise<ThrottleSettings> {
    return (await this.call<{ settings: ThrottleSettings }>('PATCH', '/throttle', change)).settings;
  }

  clock(): Promise<ClockState> {
    return this.call('GET', '/clock');
  }

  updateClock(update: ClockUpdate): Promise<ClockState> {
    return this.call('POST', '/clock', update);
  }

  advanceClock(ms: number): Promise<ClockState> {
    return this.updateClock({ advanceMs: ms });
  }

  setClock(time: Date | number): Promise<ClockState> {
    return this.updateClock({ set: typeof time === 'number' ? time : time.toISOString() });
  }

  /** Stops emulated time (only `advanceClock`/`setClock` move it) or lets it run again. */
  freezeClock(frozen = true): Promise<ClockState> {
    return this.updateClock({ frozen });
  }

  setTimeScale(scale: number): Promise<ClockState> {
    return this.updateClock({ scale });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.adminUrl + path, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const message = (parsed as { error?: string } | undefined)?.error ?? text;
      throw new EmulatorAdminError(response.status, `${method} ${path}: ${response.status} ${message}`);
    }
    return parsed as T;
  }
}
