/** HTTP helpers and fixtures for the WSO2 gateway controller emulator tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { Wso2GatewayController } from '../../emulators/wso2/gateway-controller/index.ts';

export const basic = (user: string, password: string): string => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
export const ADMIN = basic('admin', 'admin');

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** JSON or YAML, parsed by the answer's content type. */
  body: any;
}

export interface CallOptions {
  /** An object is sent as YAML (`application/yaml`) unless `json`; a string is sent as is. */
  body?: unknown;
  json?: boolean;
  contentType?: string;
  accept?: string;
  /** null: no Authorization header. Default admin/admin. */
  auth?: string | null;
}

/** A call to the management API (`path` under `/api/management/v1`). */
export async function call(emu: Wso2GatewayController, method: string, path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const auth = opts.auth === undefined ? ADMIN : opts.auth;
  if (auth) headers.authorization = auth;
  if (opts.accept) headers.accept = opts.accept;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : opts.json ? JSON.stringify(opts.body) : stringify(opts.body);
    headers['content-type'] = opts.contentType ?? (opts.json ? 'application/json' : 'application/yaml');
  }
  const res = await fetch(emu.baseUrl + path, { method, headers, body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const parsed = !text ? undefined : type.includes('json') ? JSON.parse(text) : type.includes('yaml') ? parse(text) : text;
  return { status: res.status, headers: res.headers, text, body: parsed };
}

type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, any>;
  stringData?: Record<string, string>;
};

/** The documents of one of the operator's example files (`test/e2e/fixtures/wso2-operator/…`). */
export function fixture(file: string): Doc[] {
  const text = readFileSync(join(import.meta.dirname, '../e2e/fixtures/wso2-operator', file), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS() as Doc).filter(Boolean);
}

/** The operator's envelope of a resource: apiVersion v1, kind, name, labels, annotations, spec. */
export function envelope(doc: Doc): Doc {
  const { name, labels, annotations } = doc.metadata;
  return {
    apiVersion: 'gateway.api-platform.wso2.com/v1',
    kind: doc.kind,
    metadata: { name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec: doc.spec,
  };
}

/** The envelope of the named document of an example file. */
export const example = (file: string, name: string): Doc => envelope(fixture(file).find((d) => d.metadata.name === name)!);

/** A self-signed CA (prime256v1, valid until 2126) for certificate uploads. */
export const TEST_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIB4DCCAYegAwIBAgIUIGKE6VydmxjJV/mmlrt+Hqqg2GIwCgYIKoZIzj0EAwIw
RTELMAkGA1UEBhMCVVMxGDAWBgNVBAoMD2FwaW0tc3luYyB0ZXN0czEcMBoGA1UE
AwwTRXhhbXBsZSBVcHN0cmVhbSBDQTAgFw0yNjEyMDMwOTAyMzFaGA8yMTI2MTEw
OTA5MDIzMVowRTELMAkGA1UEBhMCVVMxGDAWBgNVBAoMD2FwaW0tc3luYyB0ZXN0
czEcMBoGA1UEAwwTRXhhbXBsZSBVcHN0cmVhbSBDQTBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABDEGMVh1o373Fyy+OZ81B0drMAv7m0n3Ddys8FKEVDqVIS5SjmEK
yV7awlvSxot/qrjcKszHPZFJ33h2cBz3z1ejUzBRMB0GA1UdDgQWBBS0Z8JhOLHF
7BQmSc+3OYpLl/+joTAfBgNVHSMEGDAWgBS0Z8JhOLHF7BQmSc+3OYpLl/+joTAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIFvks/LjF9M39Cit4ZDs
JiukTIAA5ndm0LG47yLsp7S7AiBDJPACZoyZ1U/69IZiLx8DyQSXhZSLJJsHWRyf
IJ+5mg==
-----END CERTIFICATE-----
`;
