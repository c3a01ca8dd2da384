import { parse } from 'yaml';
import { WSO2_GROUP } from '../resource-types.ts';
import { artifactKindOf, type ArtifactKind } from './metadata.ts';

/** An artifact as the control plane serves it: the gateway's envelope `{apiVersion, kind, metadata, spec}`. */
export interface Artifact {
  kind: ArtifactKind;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The spec, without `deploymentState` (the CRDs do not have it; apim-sync carries it as an annotation). */
  spec: Record<string, unknown>;
  /** `spec.deploymentState` as the artifact says it, if it does. */
  deploymentState?: 'deployed' | 'undeployed';
}

/** An artifact apim-sync cannot write as a resource; the message names the field. */
export class MalformedArtifact extends Error {
  override name = 'MalformedArtifact';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A DNS subdomain name, as Kubernetes requires of metadata.name. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Reads one artifact file. `expected` is the kind its event or deployment entry announced: an artifact of another kind
 * is refused rather than written under a kind nobody asked for.
 */
export function parseArtifact(text: string, source: string, expected?: ArtifactKind): Artifact {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new MalformedArtifact(`${source}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new MalformedArtifact(`${source}: not a YAML mapping`);
  const apiVersion = doc.apiVersion;
  if (typeof apiVersion !== 'string' || !apiVersion.startsWith(`${WSO2_GROUP}/`)) {
    throw new MalformedArtifact(`${source}: apiVersion: must be ${WSO2_GROUP}/v1, got ${JSON.stringify(apiVersion ?? null)}`);
  }
  const kind = typeof doc.kind === 'string' ? artifactKindOf(doc.kind) : undefined;
  if (!kind) throw new MalformedArtifact(`${source}: kind: ${JSON.stringify(doc.kind ?? null)} is not a kind apim-sync writes (RestApi, LlmProvider, LlmProxy, Mcp)`);
  if (expected && kind !== expected) throw new MalformedArtifact(`${source}: kind: ${kind.kind}, but the control plane announced a ${expected.kind}`);
  const metadata = isObject(doc.metadata) ? doc.metadata : undefined;
  if (!metadata) throw new MalformedArtifact(`${source}: metadata: required`);
  const name = metadata.name;
  if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw new MalformedArtifact(`${source}: metadata.name: ${JSON.stringify(name ?? null)} is not a Kubernetes name (lowercase letters, digits, '-' and '.', at most 253)`);
  }
  const spec = doc.spec;
  if (!isObject(spec)) throw new MalformedArtifact(`${source}: spec: required, a mapping`);
  const { deploymentState, ...rest } = spec;
  if (deploymentState !== undefined && deploymentState !== 'deployed' && deploymentState !== 'undeployed') {
    throw new MalformedArtifact(`${source}: spec.deploymentState: must be deployed or undeployed, got ${JSON.stringify(deploymentState)}`);
  }
  return {
    kind,
    name,
    labels: stringMap(metadata.labels, `${source}: metadata.labels`),
    annotations: stringMap(metadata.annotations, `${source}: metadata.annotations`),
    spec: rest,
    ...(deploymentState ? { deploymentState } : {}),
  };
}

function stringMap(v: unknown, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new MalformedArtifact(`${field}: must be a mapping of strings`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
    else throw new MalformedArtifact(`${field}.${k}: must be a string`);
  }
  return out;
}
