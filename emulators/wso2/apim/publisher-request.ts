/** What a Publisher operation handler receives, and its signature. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Answer } from '../../common/http-io.ts';
import type { Violation } from '../../openapi/index.ts';
import type { ApiStore } from './apis-store.ts';
import type { ApimContracts } from './specs.ts';
import type { AccessToken } from './tokens.ts';

export interface PublisherRequest {
  store: ApiStore;
  contracts: ApimContracts;
  /** The bearer token the call was authorized with. */
  caller: AccessToken;
  /** Path parameters of the matched operation. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the text fields of a multipart body; undefined without a body. */
  body: unknown;
  /** Files of a multipart body, by field name. */
  files: Record<string, Uint8Array>;
  /** Records problems found inside the request (an archive's api.yaml) as contract violations. */
  offContract(problems: Violation[]): void;
}

export type PublisherHandler = (r: PublisherRequest) => Answer;

/** An operation of the spec the emulator does not implement: recorded as a violation, answered 501. */
export class NotEmulated extends Error {}

/** Boolean query parameters as JAX-RS reads them (`Boolean.valueOf`): only `true`, in any case, is true. */
export function queryFlag(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  return value === null ? undefined : value.toLowerCase() === 'true';
}

/** An integer query parameter, or its default. */
export function queryInt(query: URLSearchParams, name: string, fallback: number): number {
  const value = Number(query.get(name));
  return query.has(name) && Number.isInteger(value) && value >= 0 ? value : fallback;
}
