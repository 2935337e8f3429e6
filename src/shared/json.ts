/**
 * JSON with object keys sorted, so two values that differ only in key order compare equal (the
 * API server hands objects back with its own key order; IAM documents are equal whatever theirs). Pure.
 */
export function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
