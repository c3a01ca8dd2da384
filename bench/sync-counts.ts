import type { Logger } from '../shared/log.ts';

/**
 * The sync function's syncs by kind, counted off the `synced` line it logs for every message: a vendor event handled
 * without a sync (`event-handled`) is not one.
 */
export class SyncCounts {
  private readonly byKind = new Map<string, number>();

  /** A logger that counts the syncs it is told of and passes every line on. */
  counting(to: Logger): Logger {
    return {
      ...to,
      info: (message, attributes) => {
        const a = attributes as { kind?: unknown; action?: unknown } | undefined;
        if (message === 'synced' && typeof a?.kind === 'string' && a.action !== 'event-handled') this.byKind.set(a.kind, this.of(a.kind) + 1);
        to.info(message, attributes);
      },
    };
  }

  of(kind: string): number {
    return this.byKind.get(kind) ?? 0;
  }

  reset(): void {
    this.byKind.clear();
  }
}
