/** Which resources are served under which group/version: core kinds, CRDs, and the custom resources of established CRDs. */
import { coreResourceTypes } from './core-types.ts';
import { accessControlTypes } from './service-accounts.ts';
import { crdResourceType, customResourceType } from './crd.ts';
import { grKey, type KubeObj, type ResourceType } from './resource-type.ts';
import { compareVersions } from './version-priority.ts';

export class Registry {
  private readonly byGR = new Map<string, ResourceType>();
  /** CRD name -> group/resource key of the custom resource it defines. */
  private readonly crdTypes = new Map<string, string>();

  constructor() {
    for (const t of [...coreResourceTypes(), ...accessControlTypes(), crdResourceType()]) this.byGR.set(grKey(t), t);
  }

  /** The resource served at /apis/{group}/{version}/{resource} (or /api/v1/{resource}). */
  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    const t = this.byGR.get(grKey({ group, resource }));
    return t?.versions.some((v) => v.name === version) ? t : undefined;
  }

  byGroupResource(key: string): ResourceType | undefined {
    return this.byGR.get(key);
  }

  all(): ResourceType[] {
    return [...this.byGR.values()];
  }

  /** Installs or replaces the resource type a CRD defines; returns it. */
  installCrd(crd: KubeObj): ResourceType {
    const t = customResourceType(crd);
    const previous = this.crdTypes.get(crd.metadata.name);
    if (previous && previous !== grKey(t)) this.byGR.delete(previous);
    const existing = this.byGR.get(grKey(t));
    if (existing?.terminating) t.terminating = true;
    this.byGR.set(grKey(t), t);
    this.crdTypes.set(crd.metadata.name, grKey(t));
    return t;
  }

  typeOfCrd(crdName: string): ResourceType | undefined {
    const key = this.crdTypes.get(crdName);
    return key ? this.byGR.get(key) : undefined;
  }

  uninstallCrd(crdName: string): void {
    const key = this.crdTypes.get(crdName);
    if (key) this.byGR.delete(key);
    this.crdTypes.delete(crdName);
  }

  /** API groups (not core) with their versions, preferred first, in discovery order. */
  groups(): { name: string; versions: string[] }[] {
    const versions = new Map<string, Set<string>>();
    for (const t of this.byGR.values()) {
      if (!t.group) continue;
      const set = versions.get(t.group) ?? new Set<string>();
      for (const v of t.versions) set.add(v.name);
      versions.set(t.group, set);
    }
    return [...versions.entries()]
      .sort(([a], [b]) => groupOrder(a) - groupOrder(b) || (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, set]) => ({ name, versions: [...set].sort(compareVersions) }));
  }

  resourcesOf(group: string, version: string): ResourceType[] {
    return [...this.byGR.values()].filter((t) => t.group === group && t.versions.some((v) => v.name === version)).sort((a, b) => (a.resource < b.resource ? -1 : 1));
  }
}

/** Built-in groups are listed before custom ones, as kube-apiserver's discovery does. */
function groupOrder(group: string): number {
  return group.endsWith('.k8s.io') || !group.includes('.') ? 0 : 1;
}
