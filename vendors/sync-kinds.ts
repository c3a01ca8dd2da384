import type { KindDefinition } from '../shared/engine/kind.ts';
import { graviteeKinds } from './gravitee/kinds.ts';
import { threescaleKinds } from './threescale/kinds.ts';
import { wso2Kinds } from './wso2/kinds.ts';

/** Every kind the sync function reconciles. */
export const syncKinds: KindDefinition<any>[] = [...graviteeKinds, ...threescaleKinds, ...wso2Kinds];
