/**
 * DynamoDB's capacity rules, to count what a run would consume on AWS (dynalite counts no index
 * copies): item sizes as DynamoDB measures them, write request units per 1 KB of the larger of the
 * old and new item, a write into each index the item enters, leaves or changes in (projected size
 * plus 100 bytes), and read request units per 4 KB (half for an eventually consistent read).
 * Source: the DynamoDB developer guide, "Item sizes and formats" and "Read/write capacity mode".
 */
import type { IndexDefinition, TableDefinition } from '../../adapters/dynamodb/table';

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** The size DynamoDB counts for a value (names of map keys included). */
export function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').replace(/^0+/, '').length / 2) + 1;
  if (value instanceof Set) return [...value].reduce((n: number, v) => n + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + valueSize(v), 0);
  if (typeof value === 'object') return 3 + Object.entries(value).reduce((n, [k, v]) => n + 1 + utf8(k) + valueSize(v), 0);
  return 0;
}

export function itemSize(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((n, [k, v]) => n + utf8(k) + valueSize(v), 0);
}

const INDEX_OVERHEAD = 100;

/** The item as an index holds it, or undefined when the item is not in it (sparse index). */
export function projected(index: IndexDefinition, table: TableDefinition, item: Record<string, unknown>): { key: string; size: number } | undefined {
  const pk = item[index.partitionKey.name];
  const sk = item[index.sortKey.name];
  if (pk === undefined || sk === undefined) return undefined;
  const keys = [table.partitionKey.name, table.sortKey.name, index.partitionKey.name, index.sortKey.name];
  const attributes =
    index.projection.type === 'ALL' ? Object.keys(item) : [...keys, ...(index.projection.type === 'INCLUDE' ? index.projection.nonKeyAttributes : [])];
  const kept = Object.fromEntries([...new Set(attributes)].filter((a) => item[a] !== undefined).map((a) => [a, item[a]]));
  return { key: `${String(pk)}\u0000${String(sk)}`, size: itemSize(kept) + INDEX_OVERHEAD };
}

export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
export const readUnits = (bytes: number, consistent: boolean) => (Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5));

/** The write units of replacing `before` by `after` (either may be absent), base table and indexes. */
export function writeCost(table: TableDefinition, before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined) {
  const base = writeUnits(Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0));
  let index = 0;
  for (const definition of table.globalSecondaryIndexes) {
    const old = before ? projected(definition, table, before) : undefined;
    const now = after ? projected(definition, table, after) : undefined;
    if (old && now && old.key === now.key) {
      const changed = definition.projection.type !== 'KEYS_ONLY' && JSON.stringify(projectedValues(definition, before!)) !== JSON.stringify(projectedValues(definition, after!));
      if (changed) index += writeUnits(Math.max(old.size, now.size));
    } else {
      if (old) index += writeUnits(old.size);
      if (now) index += writeUnits(now.size);
    }
  }
  return { base, index };
}

function projectedValues(index: IndexDefinition, item: Record<string, unknown>): unknown {
  if (index.projection.type === 'ALL') return item;
  if (index.projection.type === 'KEYS_ONLY') return null;
  return index.projection.nonKeyAttributes.map((a) => item[a]);
}
