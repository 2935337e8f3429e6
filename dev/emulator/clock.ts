/**
 * Time as the emulator sees it. Every lifecycle transition and the 24-hour throughput rule are
 * computed from `now()` when a request is served, so a test can drive the emulator with a clock it
 * controls instead of waiting.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for in-process tests. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: number | Date = Date.parse('2025-01-01T00:00:00Z')) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  set(time: number | Date): void {
    this.current = typeof time === 'number' ? time : time.getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

export interface ClockState {
  /** Emulated time, epoch milliseconds. */
  now: number;
  /** The same instant as an ISO-8601 string. */
  iso: string;
  /** How many emulated milliseconds pass per millisecond of the source clock. */
  scale: number;
  /** True when emulated time stands still until advanced or set. */
  frozen: boolean;
}

/**
 * The emulator's clock: follows a source clock (real time unless a test passes its own), and can be
 * shifted, set, frozen or sped up through the admin API without touching the source.
 */
export class ControlledClock implements Clock {
  private anchorEmulated: number;
  private anchorSource: number;
  private scale = 1;
  private frozen = false;

  constructor(private readonly source: Clock = systemClock) {
    this.anchorSource = source.now();
    this.anchorEmulated = this.anchorSource;
  }

  now(): number {
    if (this.frozen) return this.anchorEmulated;
    return this.anchorEmulated + (this.source.now() - this.anchorSource) * this.scale;
  }

  advance(ms: number): void {
    this.rebase(this.now() + ms);
  }

  set(time: number | Date): void {
    this.rebase(typeof time === 'number' ? time : time.getTime());
  }

  setScale(scale: number): void {
    if (!Number.isFinite(scale) || scale <= 0)
      throw new RangeError(`time scale must be a positive number, got ${scale}`);
    this.rebase(this.now());
    this.scale = scale;
  }

  /** Stops emulated time (a manual clock) or lets it follow the source again. */
  setFrozen(frozen: boolean): void {
    this.rebase(this.now());
    this.frozen = frozen;
  }

  state(): ClockState {
    const now = this.now();
    return { now, iso: new Date(now).toISOString(), scale: this.scale, frozen: this.frozen };
  }

  private rebase(emulatedNow: number): void {
    this.anchorEmulated = emulatedNow;
    this.anchorSource = this.source.now();
  }
}
