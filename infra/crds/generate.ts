// Generates apim-sync's CRDs from the vendors' operators' own CRDs: the Gravitee Kubernetes Operator's (GKO) for the
// Gravitee kinds, the 3scale operator's (capabilities.3scale.net) for the 3scale kinds, the WSO2 API Platform gateway
// operator's (gateway.api-platform.wso2.com) for the WSO2 kinds.
//
//   node infra/crds/generate.ts                          regenerate infra/crds/*.yaml from infra/crds/upstream/
//   node infra/crds/generate.ts --upstream DIR           first refresh infra/crds/upstream/ from DIR (GKO's config/crd/bases)
//   node infra/crds/generate.ts --threescale-upstream DIR  the same for the 3scale operator's CRDs (config/crd/bases)
//   node infra/crds/generate.ts --wso2-upstream DIR      the same for the WSO2 gateway operator's (kubernetes/gateway-operator/config/crd/bases)
//   node infra/crds/generate.ts --check                  exit 1 when a committed file is not what the generator writes
//
// The spec schemas, names, short names and scope stay exactly upstream's, so every object GKO accepts is accepted.
// What changes: the status subresource is ensured; status keeps unknown fields and gains observedGeneration, so
// apim-sync's status writes are never pruned; printer columns for the Ready/Accepted conditions and Age are added
// after GKO's own; labels and an annotation say where the file came from.
import { chmodSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, type Document } from 'yaml';

export const CRD_DIR = dirname(fileURLToPath(import.meta.url));
export const UPSTREAM_DIR = join(CRD_DIR, 'upstream');
export const PLURALS = ['managementcontexts', 'apiv4definitions', 'apidefinitions', 'applications', 'apiresources', 'sharedpolicygroups', 'subscriptions', 'groups', 'notifications', 'dictionaries', 'portals', 'portallistings', 'portallinks', 'documentations'] as const;
export const crdFileName = (plural: string) => `gravitee.io_${plural}.yaml`;
export const THREESCALE_PLURALS = ['backends', 'products', 'developeraccounts', 'developerusers', 'applications', 'applicationauths', 'activedocs', 'custompolicydefinitions', 'openapis', 'proxyconfigpromotes', 'tenants'] as const;
export const threescaleCrdFileName = (plural: string) => `capabilities.3scale.net_${plural}.yaml`;
/** The WSO2 API Platform gateway operator's kinds apim-sync syncs (its APIPolicy targets Gateway API routes, which it does not). */
export const WSO2_PLURALS = ['apigateways', 'restapis', 'apikeys', 'subscriptionplans', 'subscriptions', 'certificates', 'managedsecrets', 'llmprovidertemplates', 'llmproviders', 'llmproxies', 'mcps'] as const;
export const wso2CrdFileName = (plural: string) => `gateway.api-platform.wso2.com_${plural}.yaml`;
/** Every generated file, in the order the kustomization lists them. */
export const ALL_CRD_FILES = [...PLURALS.map(crdFileName), ...THREESCALE_PLURALS.map(threescaleCrdFileName), ...WSO2_PLURALS.map(wso2CrdFileName)];

interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
}

const condition = (type: string, field: 'status' | 'reason') => `.status.conditions[?(@.type=="${type}")].${field}`;

/** Added after GKO's columns; priority 1 shows with `kubectl get -o wide` only. */
export const APIM_SYNC_COLUMNS: PrinterColumn[] = [
  // Keys in upstream's (controller-gen's) alphabetical order.
  { description: 'Whether the object is in sync with API management (Ready condition).', jsonPath: condition('Ready', 'status'), name: 'Ready', type: 'string' },
  { description: 'Reason of the Ready condition.', jsonPath: condition('Ready', 'reason'), name: 'Reason', type: 'string' },
  { description: 'Whether the spec was accepted (Accepted condition).', jsonPath: condition('Accepted', 'status'), name: 'Accepted', type: 'string' },
  { description: 'Reason of the Accepted condition.', jsonPath: condition('Accepted', 'reason'), name: 'Accepted Reason', priority: 1, type: 'string' },
  { description: 'Whether every reference resolved (ResolvedRefs condition).', jsonPath: condition('ResolvedRefs', 'status'), name: 'ResolvedRefs', priority: 1, type: 'string' },
  { description: 'The generation apim-sync last synced.', jsonPath: '.status.observedGeneration', name: 'Observed', priority: 1, type: 'integer' },
  { description: 'Time since creation.', jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
];

/** The 3scale operator's conditions (Synced, Invalid, Failed, Orphan) first, then Ready, as `kubectl get` shows them. */
export const THREESCALE_COLUMNS: PrinterColumn[] = [
  { description: 'Whether the object is in sync with 3scale (Synced condition).', jsonPath: condition('Synced', 'status'), name: 'Synced', type: 'string' },
  { description: 'Whether the object is in sync with API management (Ready condition).', jsonPath: condition('Ready', 'status'), name: 'Ready', type: 'string' },
  { description: 'Reason of the Ready condition.', jsonPath: condition('Ready', 'reason'), name: 'Reason', type: 'string' },
  { description: 'Whether the spec was refused (Invalid condition).', jsonPath: condition('Invalid', 'status'), name: 'Invalid', priority: 1, type: 'string' },
  { description: 'The 3scale backend id.', jsonPath: '.status.backendId', name: '3scale ID', priority: 1, type: 'integer' },
  { description: 'The generation apim-sync last synced.', jsonPath: '.status.observedGeneration', name: 'Observed', priority: 1, type: 'integer' },
  { description: 'Time since creation.', jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
];

/** The gateway operator's conditions (Accepted, Programmed), then Ready, as `kubectl get` shows them. */
export const WSO2_COLUMNS: PrinterColumn[] = [
  { description: 'Whether the spec was accepted (Accepted condition).', jsonPath: condition('Accepted', 'status'), name: 'Accepted', type: 'string' },
  { description: 'Whether the gateway runs it (Programmed condition).', jsonPath: condition('Programmed', 'status'), name: 'Programmed', type: 'string' },
  { description: 'Whether the object is in sync with API management (Ready condition).', jsonPath: condition('Ready', 'status'), name: 'Ready', type: 'string' },
  { description: 'Reason of the Ready condition.', jsonPath: condition('Ready', 'reason'), name: 'Reason', type: 'string' },
  { description: 'The generation apim-sync last synced.', jsonPath: '.status.observedGeneration', name: 'Observed', priority: 1, type: 'integer' },
  { description: 'Time since creation.', jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
];

/** The kinds whose `3scale ID` column is not the backend's: their own id field. */
const ID_COLUMNS: Record<string, { what: string; field: string; type?: PrinterColumn['type']; name?: string; description?: string }> = {
  products: { what: 'product', field: 'productId' },
  developeraccounts: { what: 'developer account', field: 'accountID' },
  developerusers: { what: 'developer user', field: 'userID' },
  activedocs: { what: 'ActiveDoc', field: 'activeDocId' },
  custompolicydefinitions: { what: 'custom policy', field: 'policyID' },
  applications: { what: 'application', field: 'applicationID' },
  applicationauths: { what: 'application', field: 'applicationID' },
  tenants: { what: 'tenant', field: 'tenantId' },
  // The operator's ProxyConfigPromote status holds the product id as a string.
  proxyconfigpromotes: { what: 'product', field: 'productId', type: 'string' },
  // An OpenAPI has no 3scale object of its own: the Product resource it generated stands in for it.
  openapis: { what: 'product', field: 'productResourceName.name', type: 'string', name: 'Product', description: 'The Product resource generated from the OpenAPI document.' },
};

/** The `3scale ID` column shows the kind's own id field (`backendId`, `productId`, `accountID`, `userID`). */
function idColumnFor(file: string, col: PrinterColumn): PrinterColumn {
  const id = ID_COLUMNS[file.replace(/^.*_|\.yaml$/g, '')];
  if (col.name !== '3scale ID' || !id) return col;
  return { ...col, name: id.name ?? col.name, description: id.description ?? `The 3scale ${id.what} id.`, jsonPath: `.status.${id.field}`, type: id.type ?? col.type };
}

const OBSERVED_GENERATION = {
  description: 'The .metadata.generation apim-sync last synced (set together with the conditions).',
  type: 'integer',
  format: 'int64',
  minimum: 0,
};

/** metav1.Condition, as controller-gen writes it; used only where upstream has no conditions schema. */
const CONDITIONS = {
  description: 'Conditions (Accepted, ResolvedRefs, Ready) of the object.',
  type: 'array',
  items: {
    type: 'object',
    required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
    properties: {
      lastTransitionTime: { type: 'string', format: 'date-time' },
      message: { type: 'string', maxLength: 32768 },
      observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
      reason: { type: 'string', maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' },
      status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
      type: { type: 'string', maxLength: 316, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$' },
    },
  },
  'x-kubernetes-list-map-keys': ['type'],
  'x-kubernetes-list-type': 'map',
};

function header(file: string, operator: string): string {
  return [
    ` Generated by infra/crds/generate.ts from upstream/${file} (${operator}): do not edit.`,
    ' Same spec schema, names and scope as upstream; adds apim-sync status fields and printer columns.',
    ...(file === threescaleCrdFileName('activedocs') ? [' Spec extension: openapiRef as an alias of activeDocOpenAPIRef, name optional (ACTIVEDOC_EXTENSION).'] : []),
    '',
  ].join('\n');
}

/** Applies apim-sync's changes to one upstream CRD (YAML text in, YAML text out; comments and key order kept). */
export type Vendor = 'gravitee' | 'threescale' | 'wso2';

/** Where each vendor's CRDs come from: its operator, and the columns apim-sync adds. */
const VENDORS: Record<Vendor, { operator: (version: string) => string; generatedFrom: (version: string, file: string) => string; columns: PrinterColumn[] }> = {
  gravitee: { operator: (v) => `Gravitee Kubernetes Operator ${v}`, generatedFrom: (v, f) => `gravitee-kubernetes-operator ${v} ${f}`, columns: APIM_SYNC_COLUMNS },
  threescale: { operator: () => '3scale operator', generatedFrom: (_, f) => `3scale-operator ${f}`, columns: THREESCALE_COLUMNS },
  wso2: { operator: () => 'WSO2 API Platform gateway operator', generatedFrom: (_, f) => `wso2-api-platform-gateway-operator ${f}`, columns: WSO2_COLUMNS },
};

export function transformCrd(upstreamYaml: string, file: string, vendor: Vendor = 'gravitee'): string {
  const doc: Document = parseDocument(upstreamYaml);
  if (doc.get('kind') !== 'CustomResourceDefinition') throw new Error(`${file}: not a CustomResourceDefinition`);
  const operatorVersion = String(doc.getIn(['metadata', 'annotations', 'gravitee.io/operator.version']) ?? 'unknown');
  const operator = VENDORS[vendor].operator(operatorVersion);
  const columnsToAdd = VENDORS[vendor].columns;

  doc.commentBefore = header(file, operator) + (doc.commentBefore ? `\n${doc.commentBefore}` : '');
  doc.setIn(['metadata', 'labels', 'app.kubernetes.io/part-of'], 'apim-sync');
  doc.setIn(['metadata', 'annotations', 'apim-sync.io/generated-from'], VENDORS[vendor].generatedFrom(operatorVersion, file));

  const versions = doc.getIn(['spec', 'versions']) as { items: unknown[] } | undefined;
  if (!versions?.items.length) throw new Error(`${file}: no spec.versions`);
  for (let i = 0; i < versions.items.length; i++) {
    const v = ['spec', 'versions', i];
    if (!doc.hasIn([...v, 'subresources', 'status'])) doc.setIn([...v, 'subresources', 'status'], doc.createNode({}));

    const status = [...v, 'schema', 'openAPIV3Schema', 'properties', 'status'];
    if (!doc.hasIn(status)) doc.setIn(status, doc.createNode({ description: 'Observed state, written by apim-sync.', type: 'object' }));
    doc.setIn([...status, 'x-kubernetes-preserve-unknown-fields'], true);
    // Status fields upstream requires (a Tenant's tenantId and adminId) do not exist before the first success,
    // and apim-sync writes the failure conditions before it: a required list would refuse those writes.
    doc.deleteIn([...status, 'required']);
    if (!doc.hasIn([...status, 'properties', 'conditions'])) doc.setIn([...status, 'properties', 'conditions'], doc.createNode(CONDITIONS));
    if (!doc.hasIn([...status, 'properties', 'observedGeneration'])) doc.setIn([...status, 'properties', 'observedGeneration'], doc.createNode(OBSERVED_GENERATION));
    // The 3scale operator's condition items declare no observedGeneration, which apim-sync writes on each condition.
    const item = [...status, 'properties', 'conditions', 'items', 'properties'];
    if (doc.hasIn(item) && !doc.hasIn([...item, 'observedGeneration'])) doc.setIn([...item, 'observedGeneration'], doc.createNode({ type: 'integer', format: 'int64', minimum: 0 }));

    if (file === threescaleCrdFileName('activedocs')) acceptGuideActiveDocs(doc, [...v, 'schema', 'openAPIV3Schema', 'properties', 'spec']);

    const columns = [...v, 'additionalPrinterColumns'];
    if (!doc.hasIn(columns)) doc.setIn(columns, doc.createNode([]));
    const existing = (doc.getIn(columns, false) as { items: unknown[] }).items.map((c) => String((c as Document['contents'] & { get(k: string): unknown }).get('name')));
    for (const col of columnsToAdd) {
      if (!existing.includes(col.name)) doc.addIn(columns, doc.createNode(idColumnFor(file, col)));
    }
  }
  return doc.toString();
}

/**
 * The one spec extension: the 3scale operator's guide (§8.7.3) writes ActiveDocs from a URL with the OpenAPI kind's
 * `openapiRef` and no `name`, which upstream's schema refuses. apim-sync also accepts `openapiRef` (the same schema as
 * `activeDocOpenAPIRef`) and a missing `name` (the resource's name), so the guide's YAML works unchanged; every
 * object upstream accepts is still accepted.
 */
export const ACTIVEDOC_EXTENSION = { alias: ['openapiRef', 'activeDocOpenAPIRef'], optional: ['activeDocOpenAPIRef', 'name'] } as const;

function acceptGuideActiveDocs(doc: Document, spec: (string | number)[]): void {
  const [alias, of] = ACTIVEDOC_EXTENSION.alias;
  doc.setIn([...spec, 'properties', alias], (doc.getIn([...spec, 'properties', of]) as { clone(): unknown }).clone());
  const required = (doc.getIn([...spec, 'required']) as { items: { value: string }[] }).items.map((i) => String(i.value ?? i));
  const kept = required.filter((r) => !(ACTIVEDOC_EXTENSION.optional as readonly string[]).includes(r));
  if (kept.length > 0) doc.setIn([...spec, 'required'], doc.createNode(kept));
  else doc.deleteIn([...spec, 'required']);
}

export function generatedPath(plural: string): string {
  return join(CRD_DIR, crdFileName(plural));
}

export function generateAll(): Map<string, string> {
  const out = new Map<string, string>();
  for (const plural of PLURALS) {
    const file = crdFileName(plural);
    out.set(generatedPath(plural), transformCrd(readFileSync(join(UPSTREAM_DIR, file), 'utf8'), file));
  }
  for (const plural of THREESCALE_PLURALS) {
    const file = threescaleCrdFileName(plural);
    out.set(join(CRD_DIR, file), transformCrd(readFileSync(join(UPSTREAM_DIR, file), 'utf8'), file, 'threescale'));
  }
  for (const plural of WSO2_PLURALS) {
    const file = wso2CrdFileName(plural);
    out.set(join(CRD_DIR, file), transformCrd(readFileSync(join(UPSTREAM_DIR, file), 'utf8'), file, 'wso2'));
  }
  return out;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const upstreamAt = args.indexOf('--upstream');
  if (upstreamAt >= 0) {
    const from = args[upstreamAt + 1];
    if (!from) throw new Error('--upstream needs a directory');
    for (const plural of PLURALS) {
      const src = join(from, crdFileName(plural));
      if (!existsSync(src)) throw new Error(`${src} does not exist`);
      const dest = join(UPSTREAM_DIR, crdFileName(plural));
      copyFileSync(src, dest);
      chmodSync(dest, 0o644);
    }
    console.log(`refreshed ${relative(process.cwd(), UPSTREAM_DIR)} from ${from}`);
  }
  const threescaleAt = args.indexOf('--threescale-upstream');
  if (threescaleAt >= 0) {
    const from = args[threescaleAt + 1];
    if (!from) throw new Error('--threescale-upstream needs a directory');
    for (const file of THREESCALE_PLURALS.map(threescaleCrdFileName)) {
      const dest = join(UPSTREAM_DIR, file);
      copyFileSync(join(from, file), dest);
      chmodSync(dest, 0o644);
    }
  }
  const wso2At = args.indexOf('--wso2-upstream');
  if (wso2At >= 0) {
    const from = args[wso2At + 1];
    if (!from) throw new Error('--wso2-upstream needs a directory');
    for (const file of WSO2_PLURALS.map(wso2CrdFileName)) {
      const dest = join(UPSTREAM_DIR, file);
      copyFileSync(join(from, file), dest);
      chmodSync(dest, 0o644);
    }
  }
  let stale = 0;
  for (const [path, text] of generateAll()) {
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (args.includes('--check')) {
      if (current !== text) {
        stale++;
        console.error(`${relative(process.cwd(), path)} is stale: run node infra/crds/generate.ts`);
      }
    } else if (current !== text) {
      writeFileSync(path, text);
      console.log(`wrote ${relative(process.cwd(), path)}`);
    }
  }
  if (stale) process.exit(1);
}
