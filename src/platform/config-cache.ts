/**
 * Per-process copies of a tenant's rarely changing configuration (warehouses, inventory settings,
 * shops) for the order pipeline, which would otherwise read them again for every batch. A copy
 * lives at most `ttlMs`; a change made in this process drops the tenant's copies at once
 * (`configChanged`), and one made by another process is seen when the copy expires.
 */
const generations = new Map<string, number>();

/** Drops every cached copy of this tenant's configuration, in every cache of this process. */
export function configChanged(tenantId: string): void {
  generations.set(tenantId, (generations.get(tenantId) ?? 0) + 1);
}

interface Entry<V> {
  value: Promise<V>;
  loadedAt: number;
  generation: number;
}

export class ConfigCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly ttlMs = 1_000, private readonly now: () => number = Date.now) {}

  get(tenantId: string, load: () => Promise<V>): Promise<V> {
    const generation = generations.get(tenantId) ?? 0;
    const entry = this.entries.get(tenantId);
    if (entry && entry.generation === generation && this.now() - entry.loadedAt < this.ttlMs) return entry.value;
    const value = load();
    const fresh = { value, loadedAt: this.now(), generation };
    this.entries.set(tenantId, fresh);
    // A failed load is not kept: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(tenantId) === fresh) this.entries.delete(tenantId);
    });
    return value;
  }
}
