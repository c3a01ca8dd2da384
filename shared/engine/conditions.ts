import type { KubeObject } from '../kube/object-ref.ts';
import { kubeTime } from '../kube/time.ts';

/** A metav1.Condition, as `kubectl wait --for=condition=X` reads it. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type ConditionInput = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

/**
 * Merges new conditions into the existing ones: lastTransitionTime moves only when a status flips, and conditions of
 * other types are kept (ordered by type, so a no-op sync produces the same list and no write).
 */
export function mergeConditions(existing: unknown, updates: ConditionInput[], generation: number | undefined, now = new Date()): Condition[] {
  const current = new Map<string, Condition>();
  if (Array.isArray(existing)) for (const c of existing as Condition[]) if (c && typeof c.type === 'string') current.set(c.type, c);
  for (const u of updates) {
    const prev = current.get(u.type);
    current.set(u.type, {
      type: u.type,
      status: u.status,
      reason: u.reason,
      message: u.message.slice(0, 32_768),
      lastTransitionTime: prev && prev.status === u.status ? prev.lastTransitionTime : kubeTime(now),
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    });
  }
  return [...current.values()].sort((a, b) => a.type.localeCompare(b.type));
}

export function findCondition(status: Record<string, unknown> | undefined, type: string): Condition | undefined {
  const list = status?.conditions;
  return Array.isArray(list) ? (list as Condition[]).find((c) => c.type === type) : undefined;
}

/** Ready=True at the object's current generation: its last sync converged the spec it has now. */
export function readyAtGeneration(obj: Pick<KubeObject, 'status' | 'metadata'>): boolean {
  const ready = findCondition(obj.status, 'Ready');
  return ready?.status === 'True' && ready.observedGeneration === obj.metadata.generation;
}
