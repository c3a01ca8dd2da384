import { toAutomationSpelling } from '../automation-spelling.ts';
import type { PortalSpec } from './schema.ts';

type Json = Record<string, unknown>;

/**
 * A navigation node as the Automation API takes it (PortalNavigationPath: path and displayName). GKO also sends the
 * deprecated navigation's `order`, which APIM ignores: it orders nodes by their position, and answers without it.
 */
const node = (n: { path: string; displayName?: string }): Json => ({ path: n.path, ...(n.displayName !== undefined ? { displayName: n.displayName } : {}) });

/** PortalSpec: `{hrid, name, structure | navigation}`, as GKO's PortalDTO (the portal's own fields and its hrid). */
export function portalPayload(spec: PortalSpec, hrid: string): Json {
  const body: Json = { hrid, name: spec.name };
  if (spec.structure) body.structure = spec.structure.topNavbar ? { topNavbar: spec.structure.topNavbar.map(node) } : {};
  if (spec.navigation?.length) body.navigation = spec.navigation.map(node);
  return toAutomationSpelling('Portal', body);
}
