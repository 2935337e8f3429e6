import { badRequest } from './errors';

/**
 * Opaque page markers that point at an item's creation sequence number, so resources created or
 * deleted between two pages neither repeat nor push others off the list.
 */
export interface Page<T> {
  items: T[];
  next?: string;
}

export function paginate<T>(
  all: T[],
  seqOf: (item: T) => number,
  {
    limit,
    marker,
    markerName,
    pageSizeCap,
  }: { limit: number; marker?: string; markerName: string; pageSizeCap: number | null },
): Page<T> {
  const sorted = [...all].sort((a, b) => seqOf(a) - seqOf(b));
  const from = marker === undefined ? 0 : decodeMarker(marker, markerName);
  const remaining = sorted.filter((item) => seqOf(item) >= from);
  const size = Math.min(limit, pageSizeCap ?? Infinity);
  const items = remaining.slice(0, size);
  const following = remaining[size];
  return following === undefined ? { items } : { items, next: encodeMarker(seqOf(following)) };
}

function encodeMarker(seq: number): string {
  return Buffer.from(`efs-emulator:${seq}`).toString('base64url');
}

function decodeMarker(marker: string, name: string): number {
  const match = /^efs-emulator:(\d+)$/.exec(Buffer.from(marker, 'base64url').toString('utf8'));
  if (!match) throw badRequest(`${name} '${marker}' is not a marker this service returned`);
  return Number(match[1]);
}
