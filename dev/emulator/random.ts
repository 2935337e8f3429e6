import { randomBytes } from 'node:crypto';

/** A source of random numbers in [0, 1); seedable so fault rates and ids can be reproduced. */
export type Random = () => number;

/** mulberry32: small, fast and good enough for test fault rates and fake ids. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function unseededRandom(): Random {
  return seededRandom(randomBytes(4).readUInt32LE(0));
}

export function randomHex(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}
