/**
 * `x-kubernetes-validations` as apiextensions-apiserver applies them: compiled when the CRD is written (a rule that
 * does not compile refuses the CRD), evaluated on create and update at the schema node that declares them, after the
 * OpenAPI validation and only when that found no blocking error, with the rule's message, reason and fieldPath, and
 * ratcheted on update (a value equal to its old counterpart is not re-checked, transition rules aside).
 */
import { CelCompileError, CelEvalError, compileCel, evalCel, type CelNode } from './cel.ts';
import { OMIT, type FieldError } from './status-errors.ts';
import { correlate, type StructuralSchema, type ValidationRule } from './schema.ts';
import { deepEqual } from './json-util.ts';

interface CompiledRule {
  rule: ValidationRule;
  ast: CelNode;
  usesOldSelf: boolean;
  /** Normalized `fieldPath` (`a.b`), appended to the error's field. */
  fieldPath: string;
}

type Json = any;
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

const REASONS = ['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate'];

/** Every schema node below (and including) s, with its path as CRD validation names it, and whether it is the root. */
function* schemaNodes(s: StructuralSchema, path: string, root = true): Generator<[StructuralSchema, string, boolean]> {
  yield [s, path, root];
  for (const [k, p] of Object.entries(s.properties ?? {})) yield* schemaNodes(p, `${path}.properties[${k}]`, false);
  if (isObject(s.additionalProperties)) yield* schemaNodes(s.additionalProperties, `${path}.additionalProperties`, false);
  if (s.items) yield* schemaNodes(s.items, `${path}.items`, false);
}

const compiledRules = new WeakMap<StructuralSchema, CompiledRule[]>();

function compileRule(r: ValidationRule, s: StructuralSchema, root: boolean): CompiledRule {
  if (r.messageExpression !== undefined) throw Object.assign(new CelCompileError("messageExpression is not supported by the test server's CEL subset", 0), { field: 'messageExpression' });
  if (r.optionalOldSelf !== undefined) throw Object.assign(new CelCompileError("optionalOldSelf is not supported by the test server's CEL subset", 0), { field: 'optionalOldSelf' });
  if (r.reason !== undefined && !REASONS.includes(r.reason)) throw Object.assign(new CelCompileError(`reason must be one of ${REASONS.join(', ')}`, 0), { field: 'reason' });
  const { ast, usesOldSelf } = compileCel(r.rule, s, root);
  return { rule: r, ast, usesOldSelf, fieldPath: r.fieldPath === undefined ? '' : normalizeFieldPath(r.fieldPath, s) };
}

/** `.a.b` (the form the WSO2 and most CRDs use) into `a.b`, each step declared by the schema. */
function normalizeFieldPath(fieldPath: string, s: StructuralSchema): string {
  const steps = fieldPath.match(/\.[A-Za-z_][A-Za-z0-9_]*|\['[^']*'\]/g) ?? [];
  if (!fieldPath || steps.join('') !== fieldPath) throw Object.assign(new CelCompileError("fieldPath must be a dotted path like '.spec.foo' (the test server's subset)", 0), { field: 'fieldPath' });
  let at: StructuralSchema | undefined = s;
  const names = steps.map((st) => (st.startsWith('.') ? st.slice(1) : st.slice(2, -2)));
  for (const n of names) {
    at = at?.properties?.[n] ?? (isObject(at?.additionalProperties) ? at.additionalProperties : undefined);
    if (!at) throw Object.assign(new CelCompileError(`fieldPath ${fieldPath} does not exist in the schema`, 0), { field: 'fieldPath' });
  }
  return names.join('.');
}

/**
 * Compile errors of every rule in a CRD version's schema, as the CRD's own validation reports them
 * (`spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: ...`).
 * Compiled rules are kept for the writes that follow.
 */
export function celSchemaErrors(schema: StructuralSchema, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [s, at, root] of schemaNodes(schema, path)) {
    const rules = s['x-kubernetes-validations'];
    if (!rules) continue;
    const ok: CompiledRule[] = [];
    rules.forEach((r, i) => {
      const field = `${at}.x-kubernetes-validations[${i}]`;
      if (typeof r?.rule !== 'string' || !r.rule.trim()) return errs.push({ type: 'Required', field: `${field}.rule` });
      try {
        ok.push(compileRule(r, s, root));
      } catch (e) {
        if (!(e instanceof CelCompileError)) throw e;
        const sub = (e as CelCompileError & { field?: string }).field ?? 'rule';
        const detail = sub === 'rule' ? `compilation failed: ${e.render()}` : e.message;
        errs.push({ type: 'Invalid', field: `${field}.${sub}`, value: OMIT, detail: `apiextensions.ValidationRule{Rule:${JSON.stringify(r.rule)}, Message:${JSON.stringify(r.message ?? '')}}: ${detail}` });
      }
    });
    compiledRules.set(s, ok);
  }
  return errs;
}

function rulesOf(s: StructuralSchema, root: boolean): CompiledRule[] {
  let rules = compiledRules.get(s);
  if (!rules) {
    // A schema object not seen at install (a copy): compiling again is cheap, the parse is cached.
    rules = (s['x-kubernetes-validations'] ?? []).map((r) => compileRule(r, s, root));
    compiledRules.set(s, rules);
  }
  return rules;
}

const withRules = new WeakMap<StructuralSchema, boolean>();

/** Whether any node of the schema declares rules (kube-apiserver builds a CEL validator only then). */
export function hasCelRules(schema: StructuralSchema): boolean {
  let has = withRules.get(schema);
  if (has === undefined) {
    has = false;
    for (const [s] of schemaNodes(schema, '')) if (s['x-kubernetes-validations']?.length) has = true;
    withRules.set(schema, has);
  }
  return has;
}

/** The error kube-apiserver appends instead of running the rules when the object already failed a blocking check. */
export const RULES_NOT_CHECKED: FieldError = {
  type: 'Invalid',
  field: '<nil>',
  value: 'null',
  detail: 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

/** OpenAPI failures after which CEL rules are not run (hasBlockingErr upstream). */
export const isBlocking = (e: FieldError) => ['NotSupported', 'Required', 'TooLong', 'TooMany', 'TypeInvalid'].includes(e.type);

const ruleText = (r: ValidationRule) => (r.message?.trim() ? r.message.trim() : r.rule.trim());

/**
 * The rules' errors for `value` (the whole object at the root) and everything below it. `old` is the stored object
 * on update: unchanged values skip their rules, and transition rules (`oldSelf`) run only where an old value exists.
 */
export function celErrors(value: Json, s: StructuralSchema, path = '', old?: Json, hasOld = false, root = true): FieldError[] {
  // Null values are not validated; a rule about an optional field is written on the object that holds it.
  if (value === null || value === undefined) return [];
  const errs: FieldError[] = [];
  const unchanged = hasOld && deepEqual(value, old);
  const at = path || '<nil>';
  for (const r of rulesOf(s, root)) {
    if (r.usesOldSelf ? !hasOld : unchanged) continue;
    const vars: Record<string, unknown> = { self: root ? celRoot(value) : value };
    if (r.usesOldSelf) vars.oldSelf = root ? celRoot(old) : old;
    let result: unknown;
    try {
      result = evalCel(r.ast, vars);
    } catch (e) {
      if (!(e instanceof CelEvalError)) throw e;
      errs.push({ type: 'Invalid', field: at, value: s.type ?? '', detail: `${e.message} evaluating rule: ${ruleText(r.rule)}` });
      continue;
    }
    if (result === true) continue;
    if (result !== false) {
      errs.push({ type: 'Invalid', field: at, value: s.type ?? '', detail: `rule did not evaluate to a bool evaluating rule: ${ruleText(r.rule)}` });
      continue;
    }
    const field = r.fieldPath ? (path ? `${path}.${r.fieldPath}` : r.fieldPath) : at;
    const detail = r.rule.message?.trim() ? r.rule.message.trim() : `failed rule: ${ruleText(r.rule)}`;
    if (r.rule.reason === 'FieldValueForbidden') errs.push({ type: 'Forbidden', field, detail });
    else if (r.rule.reason === 'FieldValueRequired') errs.push({ type: 'Required', field, detail });
    else if (r.rule.reason === 'FieldValueDuplicate') errs.push({ type: 'Duplicate', field, value: s.type ?? '' });
    else errs.push({ type: 'Invalid', field, value: s.type ?? '', detail });
  }

  if (Array.isArray(value)) {
    if (s.items) {
      const oldItems = hasOld && Array.isArray(old) ? old : undefined;
      value.forEach((v, i) => errs.push(...celErrors(v, s.items!, `${path}[${i}]`, ...oldItem(s, v, oldItems), false)));
    }
  } else if (isObject(value)) {
    const oldObj = hasOld && isObject(old) ? old : undefined;
    for (const [k, v] of Object.entries(value)) {
      if (root && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      const prop = s.properties?.[k];
      const sub = prop ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
      if (!sub) continue;
      // Properties are fields (`spec.a`), map entries are keys (`spec.labels[a]`), as field.Path prints them.
      const child = prop ? (path ? `${path}.${k}` : k) : `${path}[${k}]`;
      errs.push(...celErrors(v, sub, child, oldObj?.[k], !!oldObj && Object.hasOwn(oldObj, k), false));
    }
  }
  return errs;
}

/** The old element a list item is compared with: by keys for map lists, by value for sets, none for atomic lists. */
function oldItem(s: StructuralSchema, v: Json, oldItems: Json[] | undefined): [Json, boolean] {
  if (!oldItems) return [undefined, false];
  if (s['x-kubernetes-list-type'] === 'set') {
    const same = oldItems.find((o) => deepEqual(o, v));
    return [same, same !== undefined];
  }
  return correlate(s, v, oldItems);
}

/** The object as root rules see it: metadata reduced to name and generateName. */
function celRoot(obj: Json): Json {
  if (!isObject(obj)) return obj;
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const m: Record<string, unknown> = {};
  if (meta.name !== undefined) m.name = meta.name;
  if (meta.generateName !== undefined) m.generateName = meta.generateName;
  return { ...obj, metadata: m };
}
