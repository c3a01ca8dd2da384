import type { KindDefinition } from '../../shared/engine/kind.ts';

/** WSO2 API Platform, as the gateway operator's gateway.api-platform.wso2.com kinds. */
export const wso2Kinds: KindDefinition<any>[] = [];
