/**
 * `{ [key]: value }`, or `{}` when value is undefined: spread into an object literal, it leaves
 * the key out rather than setting it to undefined, which `exactOptionalPropertyTypes` forbids.
 */
export function optionalField<K extends string, V>(
  key: K,
  value: V | undefined,
): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
