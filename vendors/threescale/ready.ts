import type { KubeObject } from '../../shared/kube/object-ref.ts';

/** The object's Ready condition is True: a 3scale CR another one links to (an account, a product) has synced. */
export const isReady = (obj: KubeObject) => (obj.status?.conditions as { type: string; status: string }[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
