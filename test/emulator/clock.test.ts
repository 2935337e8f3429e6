/** The emulator's clocks and the small pure helpers (no server). */
import { describe, expect, it } from '@jest/globals';
import { ControlledClock, ManualClock } from '../../dev/emulator/clock';
import { availabilityZoneId, findSubnet } from '../../dev/emulator/network';
import { paginate } from '../../dev/emulator/pagination';
import { seededRandom } from '../../dev/emulator/random';

describe('ManualClock', () => {
  it('moves only when set or advanced', () => {
    const clock = new ManualClock(1000);
    expect(clock.now()).toBe(1000);
    clock.advance(500);
    expect(clock.now()).toBe(1500);
    clock.set(new Date(42));
    expect(clock.now()).toBe(42);
  });
});

describe('ControlledClock', () => {
  it('follows its source, shifted by advance and set', () => {
    const source = new ManualClock(10_000);
    const clock = new ControlledClock(source);
    expect(clock.now()).toBe(10_000);
    source.advance(100);
    expect(clock.now()).toBe(10_100);
    clock.advance(1000);
    expect(clock.now()).toBe(11_100);
    source.advance(100);
    expect(clock.now()).toBe(11_200);
    clock.set(0);
    source.advance(5);
    expect(clock.now()).toBe(5);
  });

  it('scales the passage of source time from the moment the scale changes', () => {
    const source = new ManualClock(0);
    const clock = new ControlledClock(source);
    source.advance(10);
    clock.setScale(60);
    source.advance(10);
    expect(clock.now()).toBe(10 + 600);
    expect(() => clock.setScale(0)).toThrow(RangeError);
  });

  it('stands still while frozen and resumes from where it stood', () => {
    const source = new ManualClock(0);
    const clock = new ControlledClock(source);
    clock.setFrozen(true);
    source.advance(1000);
    expect(clock.now()).toBe(0);
    clock.advance(7);
    expect(clock.now()).toBe(7);
    clock.setFrozen(false);
    source.advance(3);
    expect(clock.now()).toBe(10);
    expect(clock.state()).toEqual({ now: 10, iso: '1970-01-01T00:00:00.010Z', scale: 1, frozen: false });
  });
});

describe('fake networking', () => {
  it('names the zone by the subnet id’s last letter; ids ending in a digit are in zone a', () => {
    expect(findSubnet('subnet-c', 'us-west-2')).toMatchObject({
      availabilityZoneName: 'us-west-2c',
      availabilityZoneId: 'usw2-az3',
      prefix: '10.0.2',
    });
    expect(findSubnet('subnet-0abc9', 'us-east-1').availabilityZoneName).toBe('us-east-1a');
    expect(() => findSubnet('subnet_c', 'us-east-1')).toThrow(/does not exist/);
  });

  it('derives zone ids from zone names', () => {
    expect(availabilityZoneId('ap-southeast-2b')).toBe('apse2-az2');
    expect(availabilityZoneId('eu-central-1a')).toBe('euc1-az1');
  });
});

describe('paginate', () => {
  const items = [5, 1, 3, 9, 7].map((seq) => ({ seq }));
  it('orders by sequence and resumes at the marker', () => {
    const first = paginate(items, (i) => i.seq, { limit: 2, markerName: 'Marker', pageSizeCap: null });
    expect(first.items.map((i) => i.seq)).toEqual([1, 3]);
    const second = paginate(items, (i) => i.seq, {
      limit: 10,
      marker: first.next,
      markerName: 'Marker',
      pageSizeCap: null,
    });
    expect(second.items.map((i) => i.seq)).toEqual([5, 7, 9]);
    expect(second.next).toBeUndefined();
  });
  it('rejects markers it did not make', () => {
    expect(() =>
      paginate(items, (i) => i.seq, { limit: 2, marker: 'abc', markerName: 'Marker', pageSizeCap: null }),
    ).toThrow(/not a marker/);
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const values = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(90);
  });
});
