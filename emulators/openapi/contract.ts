/** An OpenAPI 3.0/3.1 document turned into a request validator. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { createAjv } from './ajv.ts';
import { normalizeDocument } from './normalize.ts';
import { compileOperation, type CompileContext, type CompiledOperation } from './operation.ts';
import { buildRoutes, matchRoute, methodsOfPath, type Route } from './router.ts';
import { checkBody, checkParameters, checkSecurity } from './checks.ts';
import type { LoadSpecOptions, MatchedOperation, OpenApiContract, RequestToValidate, ValidationResult, Violation } from './types.ts';

type Json = Record<string, unknown>;

let contractCount = 0;

/** Reads a spec file (YAML or JSON) and builds its contract. */
export function loadSpec(file: string | URL, options: LoadSpecOptions = {}): OpenApiContract {
  const path = file instanceof URL ? fileURLToPath(file) : file;
  const text = readFileSync(path, 'utf8');
  return createContract(parseSpecText(text, path, options.lenient ?? true), options);
}

export function parseSpecText(text: string, name: string, lenient = true): Json {
  if (name.endsWith('.json')) return JSON.parse(text) as Json;
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length && !lenient) throw new Error(`${name}: ${doc.errors[0]!.message}`);
  const value = doc.toJS({ maxAliasCount: -1 }) as unknown;
  if (typeof value !== 'object' || value === null) throw new Error(`${name}: not an OpenAPI document`);
  return value as Json;
}

/** Builds a contract from an already parsed document (the document is modified in place). */
export function createContract(document: Json, options: LoadSpecOptions = {}): OpenApiContract {
  const openapiVersion = String(document.openapi ?? '');
  if (!/^3\.[01]\./.test(openapiVersion)) throw new Error(`unsupported OpenAPI version '${openapiVersion}'`);
  normalizeDocument(document, openapiVersion);

  const documentId = `urn:openapi-contract:${++contractCount}`;
  const warnings: string[] = [];
  const routes = buildRoutes(document, options.basePaths, { formatSuffixes: options.formatSuffixes });
  const maxViolations = options.maxViolations ?? 25;
  let ctx: CompileContext | undefined;
  const context = (): CompileContext =>
    (ctx ??= {
      doc: document,
      documentId,
      strictAjv: createAjv('strict', documentId, document),
      coercingAjv: createAjv('coercing', documentId, document),
      warnings,
    });
  const compiled = new Map<Route, CompiledOperation>();
  const operationOf = (route: Route): CompiledOperation => {
    let op = compiled.get(route);
    if (!op) compiled.set(route, (op = compileOperation(context(), route)));
    return op;
  };

  return {
    openapiVersion,
    title: String(((document.info ?? {}) as Json).title ?? ''),
    warnings,
    matchRoute: (method: string, path: string): MatchedOperation | undefined => matchRoute(routes, method, path)?.match,
    validateRequest(request: RequestToValidate): ValidationResult {
      const found = matchRoute(routes, request.method, request.path);
      if (!found) {
        const allowed = methodsOfPath(routes, request.path);
        const message = allowed.length
          ? `method ${request.method.toUpperCase()} is not allowed on this path (allowed: ${allowed.join(', ')})`
          : `no operation matches ${request.method.toUpperCase()} ${request.path}`;
        return { violations: [{ in: 'route', pointer: '', message }], ...(allowed.length ? { allowedMethods: allowed } : {}) };
      }
      const op = operationOf(found.route);
      const headers = lowerCaseHeaders(request.headers);
      const body = checkBody(op, request.body, headers['content-type']);
      const violations: Violation[] = [
        ...checkParameters(op, found.match.pathParams, request.query ?? new URLSearchParams(), headers),
        ...(options.checkSecurity ? checkSecurity(op, request.query ?? new URLSearchParams(), headers) : []),
        ...body.violations,
      ];
      return {
        operationId: found.match.operationId,
        operation: found.match,
        violations: violations.slice(0, maxViolations),
        ...(body.body !== undefined ? { body: body.body } : {}),
      };
    },
  };
}

function lowerCaseHeaders(headers: RequestToValidate['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
