import type { WatchedKind } from '../../shared/engine/kind.ts';

/** The WSO2 kinds as the watcher needs them: light, no vendor clients loaded. */
export const wso2WatchedKinds: WatchedKind[] = [];
