/**
 * ObjectMeta rules every kind shares (apimachinery's ValidateObjectMeta / ValidateObjectMetaUpdate):
 * names, labels, annotations, finalizers, and what an update may not change.
 */
import { randomInt } from 'node:crypto';
import type { FieldError } from './status-errors.ts';
import type { KubeObj } from './resource-type.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CONFIG_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/** Namespace names are DNS labels; every other kind served here uses DNS subdomains. */
export function nameErrors(name: string, field: string, dnsLabel: boolean): FieldError[] {
  if (dnsLabel) {
    if (name.length > 63) return [{ type: 'Invalid', field, value: name, detail: 'must be no more than 63 characters' }];
    return DNS1123_LABEL.test(name) ? [] : [{ type: 'Invalid', field, value: name, detail: LABEL_MSG }];
  }
  if (name.length > 253) return [{ type: 'Invalid', field, value: name, detail: 'must be no more than 253 characters' }];
  return DNS1123_SUBDOMAIN.test(name) ? [] : [{ type: 'Invalid', field, value: name, detail: SUBDOMAIN_MSG }];
}

function qualifiedNameErrors(key: string, field: string): FieldError[] {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : ['', key];
  const errs: FieldError[] = [];
  if (slash >= 0 && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)))
    errs.push({ type: 'Invalid', field, value: key, detail: `prefix part ${SUBDOMAIN_MSG}` });
  if (name.length === 0) errs.push({ type: 'Invalid', field, value: key, detail: 'name part must be non-empty' });
  else if (name.length > 63) errs.push({ type: 'Invalid', field, value: key, detail: 'name part must be no more than 63 characters' });
  else if (!QUALIFIED_NAME.test(name)) errs.push({ type: 'Invalid', field, value: key, detail: QUALIFIED_MSG });
  return errs;
}

export function validateObjectMeta(obj: KubeObj, namespaced: boolean, dnsLabelName: boolean): FieldError[] {
  const m = obj.metadata ?? {};
  const errs: FieldError[] = [];
  if (!m.name) errs.push({ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' });
  else errs.push(...nameErrors(m.name, 'metadata.name', dnsLabelName));
  if (namespaced && !m.namespace) errs.push({ type: 'Required', field: 'metadata.namespace' });
  if (!namespaced && m.namespace) errs.push({ type: 'Forbidden', field: 'metadata.namespace', detail: 'not allowed on this type' });
  for (const [k, v] of Object.entries((m.labels ?? {}) as Record<string, unknown>)) {
    errs.push(...qualifiedNameErrors(k, 'metadata.labels'));
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) errs.push({ type: 'Invalid', field: 'metadata.labels', value: v, detail: LABEL_VALUE_MSG });
  }
  let annotationBytes = 0;
  for (const [k, v] of Object.entries((m.annotations ?? {}) as Record<string, unknown>)) {
    errs.push(...qualifiedNameErrors(k.toLowerCase(), 'metadata.annotations'));
    annotationBytes += k.length + String(v).length;
  }
  if (annotationBytes > 256 * 1024) errs.push({ type: 'TooLong', field: 'metadata.annotations', detail: 'may not be more than 262144 bytes' });
  for (const f of (m.finalizers ?? []) as string[]) errs.push(...qualifiedNameErrors(f, 'metadata.finalizers'));
  return errs;
}

/** What ValidateObjectMetaUpdate refuses: a changed uid or name, and new finalizers once deletion started. */
export function validateObjectMetaUpdate(obj: KubeObj, old: KubeObj): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.metadata.uid !== old.metadata.uid) errs.push({ type: 'Invalid', field: 'metadata.uid', value: obj.metadata.uid, detail: 'field is immutable' });
  if (old.metadata.deletionTimestamp) {
    const before = new Set<string>(old.metadata.finalizers ?? []);
    const added = [...new Set<string>(obj.metadata.finalizers ?? [])].filter((f) => !before.has(f)).sort();
    if (added.length)
      errs.push({
        type: 'Forbidden',
        field: 'metadata.finalizers',
        detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
      });
  }
  return errs;
}

export function dataKeyErrors(data: Record<string, unknown> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(data ?? {})) {
    if (k.length > 253 || !CONFIG_KEY.test(k)) errs.push({ type: 'Invalid', field: `${field}[${k}]`, value: k, detail: CONFIG_KEY_MSG });
  }
  return errs;
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** names.SimpleNameGenerator: the prefix (cut to fit) plus five random characters. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += GENERATE_ALPHABET[randomInt(GENERATE_ALPHABET.length)];
  return `${prefix.slice(0, 253 - 5)}${suffix}`;
}

let lastSecond = -1;
let lastStamp = '';

/** RFC 3339 at second precision, as metav1.Time marshals (formatted once per second: it is on every write). */
export function nowTimestamp(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastStamp = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return lastStamp;
}
