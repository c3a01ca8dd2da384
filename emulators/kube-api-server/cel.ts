/**
 * The subset of CEL that CRD `x-kubernetes-validations` rules are written in, parsed, checked against the schema
 * and evaluated as cel-go does for apiextensions-apiserver: field selection (`self.a.b`), `has()`, `size()`,
 * indexing, list literals, `in`, `!`, `&&`, `||` (commutative, absorbing errors as CEL does), `==`, `!=`, `<`,
 * `<=`, `>`, `>=`, `?:`, string `startsWith`/`endsWith`/`contains`/`matches`, and the `all`/`exists` macros.
 * Anything else is a compile error naming what is unsupported, so a CRD using it is refused at install instead of
 * being half-validated (see README).
 */
import { deepEqual } from './json-util.ts';
import type { StructuralSchema } from './schema.ts';

export type CelNode =
  | { op: 'lit'; value: unknown; at: number }
  | { op: 'ident'; name: string; at: number }
  | { op: 'select'; target: CelNode; field: string; at: number }
  | { op: 'has'; target: CelNode; field: string; at: number }
  | { op: 'index'; target: CelNode; index: CelNode; at: number }
  | { op: 'list'; items: CelNode[]; at: number }
  | { op: 'call'; fn: string; target?: CelNode; args: CelNode[]; at: number }
  | { op: 'macro'; fn: 'all' | 'exists'; target: CelNode; variable: string; body: CelNode; at: number }
  | { op: 'not'; arg: CelNode; at: number }
  | { op: 'binary'; operator: BinaryOperator; left: CelNode; right: CelNode; at: number }
  | { op: 'cond'; test: CelNode; then: CelNode; otherwise: CelNode; at: number };

type BinaryOperator = '&&' | '||' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in';

/** A rule the subset cannot compile; `at` is the 0-based column, reported 1-based as cel-go does. */
export class CelCompileError extends Error {
  readonly at: number;
  constructor(message: string, at: number) {
    super(message);
    this.at = at;
  }
  /** As cel-go prints it: `ERROR: <input>:1:5: undefined field 'valu'`. */
  render(): string {
    return `ERROR: <input>:1:${this.at + 1}: ${this.message}`;
  }
}

/** A runtime error (`no such key: x`, `no such overload`), reported with the rule as kube-apiserver does. */
export class CelEvalError extends Error {}

// ---- lexer ----

type Token = { kind: 'ident' | 'number' | 'string' | 'punct' | 'end'; text: string; value?: unknown; at: number };

const PUNCT = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', '.', ',', '?', ':', '-'];
const UNSUPPORTED_PUNCT = ['+', '*', '/', '%', '{', '}'];
const RESERVED = new Set(['as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      const text = src.slice(i, j);
      // r'...' raw strings
      if ((text === 'r' || text === 'R') && (src[j] === '"' || src[j] === "'")) {
        const [value, end] = readString(src, j, true);
        out.push({ kind: 'string', text: src.slice(i, end), value, at });
        i = end;
        continue;
      }
      out.push({ kind: 'ident', text, at });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(?:0[xX][0-9a-fA-F]+|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)[uU]?/.exec(src.slice(i))!;
      const text = m[0];
      const num = Number(text.replace(/[uU]$/, ''));
      out.push({ kind: 'number', text, value: num, at });
      i += text.length;
      continue;
    }
    if (c === '"' || c === "'") {
      const [value, end] = readString(src, i, false);
      out.push({ kind: 'string', text: src.slice(i, end), value, at });
      i = end;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (PUNCT.includes(two)) {
      out.push({ kind: 'punct', text: two, at });
      i += 2;
      continue;
    }
    if (PUNCT.includes(c)) {
      out.push({ kind: 'punct', text: c, at });
      i++;
      continue;
    }
    if (UNSUPPORTED_PUNCT.includes(c)) throw new CelCompileError(`operator '${c}' is not supported by the test server's CEL subset`, at);
    throw new CelCompileError(`Syntax error: token recognition error at: '${c}'`, at);
  }
  out.push({ kind: 'end', text: '<EOF>', at: src.length });
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', a: '\x07', '\\': '\\', "'": "'", '"': '"', '`': '`', '?': '?' };

/** A quoted string starting at i; returns its value and the index after the closing quote. */
function readString(src: string, i: number, raw: boolean): [string, number] {
  const q = src[i];
  if (src.slice(i, i + 3) === q.repeat(3)) throw new CelCompileError("triple-quoted strings are not supported by the test server's CEL subset", i);
  let out = '';
  let j = i + 1;
  while (j < src.length && src[j] !== q) {
    if (src[j] === '\\' && !raw) {
      const e = src[j + 1];
      if (e === 'u' || e === 'x') {
        const len = e === 'u' ? 4 : 2;
        const hex = src.slice(j + 2, j + 2 + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new CelCompileError('Syntax error: invalid escape sequence', j);
        out += String.fromCodePoint(parseInt(hex, 16));
        j += 2 + len;
        continue;
      }
      if (!(e in ESCAPES)) throw new CelCompileError('Syntax error: invalid escape sequence', j);
      out += ESCAPES[e];
      j += 2;
      continue;
    }
    out += src[j++];
  }
  if (j >= src.length) throw new CelCompileError('Syntax error: unterminated string', i);
  return [out, j + 1];
}

// ---- parser (CEL grammar precedence: ?: < || < && < relations < unary < member) ----

class Parser {
  private pos = 0;
  private readonly tokens: Token[];
  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }
  private next(): Token {
    return this.tokens[this.pos++];
  }
  private accept(text: string): boolean {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === text) {
      this.pos++;
      return true;
    }
    return false;
  }
  private expect(text: string): void {
    const t = this.peek();
    if (!this.accept(text)) throw new CelCompileError(`Syntax error: mismatched input '${t.text}' expecting '${text}'`, t.at);
  }

  parseAll(): CelNode {
    const n = this.expr();
    const t = this.peek();
    if (t.kind !== 'end') throw new CelCompileError(`Syntax error: extraneous input '${t.text}' expecting <EOF>`, t.at);
    return n;
  }

  private expr(): CelNode {
    const test = this.or();
    const t = this.peek();
    if (this.accept('?')) {
      const then = this.or();
      this.expect(':');
      const otherwise = this.expr();
      return { op: 'cond', test, then, otherwise, at: t.at };
    }
    return test;
  }

  private or(): CelNode {
    let left = this.and();
    for (let t = this.peek(); this.accept('||'); t = this.peek()) left = { op: 'binary', operator: '||', left, right: this.and(), at: t.at };
    return left;
  }

  private and(): CelNode {
    let left = this.relation();
    for (let t = this.peek(); this.accept('&&'); t = this.peek()) left = { op: 'binary', operator: '&&', left, right: this.relation(), at: t.at };
    return left;
  }

  private relation(): CelNode {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const isRel = (t.kind === 'punct' && ['==', '!=', '<', '<=', '>', '>='].includes(t.text)) || (t.kind === 'ident' && t.text === 'in');
      if (t.kind === 'punct' && t.text === '-') throw new CelCompileError("operator '-' is not supported by the test server's CEL subset", t.at);
      if (!isRel) return left;
      this.pos++;
      left = { op: 'binary', operator: t.text as BinaryOperator, left, right: this.unary(), at: t.at };
    }
  }

  private unary(): CelNode {
    const t = this.peek();
    if (this.accept('!')) return { op: 'not', arg: this.unary(), at: t.at };
    if (this.accept('-')) {
      const n = this.peek();
      if (n.kind !== 'number') throw new CelCompileError("arithmetic negation is not supported by the test server's CEL subset", t.at);
      this.pos++;
      return this.member({ op: 'lit', value: -(n.value as number), at: t.at });
    }
    return this.member(this.primary());
  }

  private member(node: CelNode): CelNode {
    for (;;) {
      const t = this.peek();
      if (this.accept('.')) {
        const id = this.next();
        if (id.kind !== 'ident') throw new CelCompileError(`Syntax error: mismatched input '${id.text}' expecting IDENTIFIER`, id.at);
        if (this.peek().text === '(' && this.peek().kind === 'punct') {
          this.pos++;
          const args = this.args();
          node = this.receiverCall(id, node, args);
        } else node = { op: 'select', target: node, field: unescapeField(id.text), at: t.at };
      } else if (this.accept('[')) {
        const index = this.expr();
        this.expect(']');
        node = { op: 'index', target: node, index, at: t.at };
      } else return node;
    }
  }

  private receiverCall(id: Token, target: CelNode, args: CelNode[]): CelNode {
    if (id.text === 'all' || id.text === 'exists') {
      const v = args[0];
      if (args.length !== 2 || v.op !== 'ident') throw new CelCompileError(`${id.text}() takes a variable name and an expression`, id.at);
      return { op: 'macro', fn: id.text, target, variable: v.name, body: args[1], at: id.at };
    }
    if (['size', 'startsWith', 'endsWith', 'contains', 'matches'].includes(id.text)) return { op: 'call', fn: id.text, target, args, at: id.at };
    throw new CelCompileError(`function '${id.text}' is not supported by the test server's CEL subset`, id.at);
  }

  private args(): CelNode[] {
    const args: CelNode[] = [];
    if (this.accept(')')) return args;
    do args.push(this.expr());
    while (this.accept(','));
    this.expect(')');
    return args;
  }

  private primary(): CelNode {
    const t = this.next();
    if (t.kind === 'number' || t.kind === 'string') return { op: 'lit', value: t.value, at: t.at };
    if (t.kind === 'punct' && t.text === '(') {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (t.kind === 'punct' && t.text === '[') {
      const items: CelNode[] = [];
      if (!this.accept(']')) {
        do items.push(this.expr());
        while (this.accept(','));
        this.expect(']');
      }
      return { op: 'list', items, at: t.at };
    }
    if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'false') return { op: 'lit', value: t.text === 'true', at: t.at };
      if (t.text === 'null') return { op: 'lit', value: null, at: t.at };
      if (RESERVED.has(t.text) || t.text === 'in') throw new CelCompileError(`Syntax error: reserved identifier: ${t.text}`, t.at);
      if (this.accept('(')) {
        const args = this.args();
        if (t.text === 'has') {
          const a = args[0];
          if (args.length !== 1 || a.op !== 'select') throw new CelCompileError('invalid argument to has() macro', t.at);
          return { op: 'has', target: a.target, field: a.field, at: a.at };
        }
        if (t.text === 'size' && args.length === 1) return { op: 'call', fn: 'size', args, at: t.at };
        throw new CelCompileError(`function '${t.text}' is not supported by the test server's CEL subset`, t.at);
      }
      return { op: 'ident', name: t.text, at: t.at };
    }
    throw new CelCompileError(`Syntax error: mismatched input '${t.text}'`, t.at);
  }
}

/** Kubernetes' escaping of property names that are not CEL identifiers (`x-foo` is `self.x__dash__foo`). */
export function unescapeField(id: string): string {
  const kw = /^__([a-z]+)__$/.exec(id);
  if (kw && (RESERVED.has(kw[1]) || ['true', 'false', 'null', 'in'].includes(kw[1]))) return kw[1];
  return id.replace(/__(underscores|dot|dash|slash)__/g, (_, w: string) => ({ underscores: '__', dot: '.', dash: '-', slash: '/' })[w]!);
}

const parsed = new Map<string, CelNode | CelCompileError>();

/** The rule's syntax tree (cached: every write evaluates the same few rules). Throws CelCompileError. */
export function parseCel(rule: string): CelNode {
  let r = parsed.get(rule);
  if (!r) {
    try {
      r = new Parser(lex(rule)).parseAll();
    } catch (e) {
      if (!(e instanceof CelCompileError)) throw e;
      r = e;
    }
    parsed.set(rule, r);
  }
  if (r instanceof CelCompileError) throw r;
  return r;
}

// ---- checker: what cel-go's type check refuses that matters here (undeclared fields, unknown variables) ----

/** A static type: a schema node, or `dyn` (preserve-unknown-fields, literals, anything the checker does not track). */
type Static = StructuralSchema | 'dyn';

const isObjectSchema = (s: StructuralSchema) => s.type === 'object' || (!!s.properties && !s.type);

/**
 * Compiles a rule declared at schema node `s`: parses it, then checks every field selection on `self`/`oldSelf`
 * (and macro variables) against the declared properties, as cel-go's checker does with the CRD's declared types.
 */
export function compileCel(rule: string, s: StructuralSchema, root = false): { ast: CelNode; usesOldSelf: boolean } {
  const ast = parseCel(rule);
  // At the root (and in embedded resources) self carries apiVersion, kind and metadata.name/generateName.
  const self: StructuralSchema = root || s['x-kubernetes-embedded-resource'] ? { ...s, properties: { ...s.properties, ...RESOURCE_FIELDS } } : s;
  let usesOldSelf = false;
  const check = (n: CelNode, env: Map<string, Static>): Static => {
    switch (n.op) {
      case 'lit':
        return 'dyn';
      case 'ident': {
        if (n.name === 'oldSelf') usesOldSelf = true;
        const t = env.get(n.name);
        if (!t) throw new CelCompileError(`undeclared reference to '${n.name}' (in container '')`, n.at);
        return t;
      }
      case 'select':
      case 'has':
        return fieldType(check(n.target, env), n.field, n.at);
      case 'index': {
        const t = check(n.target, env);
        check(n.index, env);
        if (t === 'dyn') return 'dyn';
        if (t.type === 'array') return t.items ?? 'dyn';
        if (typeof t.additionalProperties === 'object') return t.additionalProperties;
        return 'dyn';
      }
      case 'list':
        for (const i of n.items) check(i, env);
        return 'dyn';
      case 'call':
        if (n.target) check(n.target, env);
        for (const a of n.args) check(a, env);
        return 'dyn';
      case 'macro': {
        const t = check(n.target, env);
        const elem: Static = t === 'dyn' ? 'dyn' : t.type === 'array' ? (t.items ?? 'dyn') : { type: 'string' };
        check(n.body, new Map([...env, [n.variable, elem]]));
        return 'dyn';
      }
      case 'not':
        check(n.arg, env);
        return 'dyn';
      case 'binary':
        check(n.left, env);
        check(n.right, env);
        return 'dyn';
      case 'cond':
        check(n.test, env);
        check(n.then, env);
        check(n.otherwise, env);
        return 'dyn';
    }
  };
  check(ast, new Map<string, Static>([['self', self], ['oldSelf', self]]));
  return { ast, usesOldSelf };
}

const RESOURCE_FIELDS: Record<string, StructuralSchema> = {
  apiVersion: { type: 'string' },
  kind: { type: 'string' },
  metadata: { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' } } },
};

function fieldType(t: Static, field: string, at: number): Static {
  if (t === 'dyn') return 'dyn';
  if (t['x-kubernetes-preserve-unknown-fields']) return t.properties?.[field] ?? 'dyn';
  if (t['x-kubernetes-embedded-resource'] && field in RESOURCE_FIELDS) return RESOURCE_FIELDS[field];
  if (typeof t.additionalProperties === 'object') return t.additionalProperties;
  if (!isObjectSchema(t)) throw new CelCompileError(`type '${t.type ?? 'unknown'}' does not support field selection`, at);
  const p = t.properties?.[field];
  if (!p) throw new CelCompileError(`undefined field '${field}'`, at);
  return p;
}

// ---- evaluation over decoded JSON ----

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeName(v: unknown): string {
  if (v === null) return 'null_type';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'double';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

const noOverload = (fn: string, ...args: unknown[]) => new CelEvalError(`no such overload: ${fn}(${args.map(typeName).join(', ')})`);

function asBool(v: unknown, fn: string): boolean {
  if (typeof v !== 'boolean') throw noOverload(fn, v);
  return v;
}

/** Evaluates a parsed rule with `self` (and `oldSelf`) bound; the result of a rule must be a bool. */
export function evalCel(n: CelNode, vars: Record<string, unknown>): unknown {
  switch (n.op) {
    case 'lit':
      return n.value;
    case 'ident':
      if (!(n.name in vars)) throw new CelEvalError(`no such attribute: ${n.name}`);
      return vars[n.name];
    case 'select': {
      const t = evalCel(n.target, vars);
      if (!isMap(t)) throw new CelEvalError(`no such overload: field selection on ${typeName(t)}`);
      if (!Object.hasOwn(t, n.field)) throw new CelEvalError(`no such key: ${n.field}`);
      return t[n.field];
    }
    case 'has': {
      const t = evalCel(n.target, vars);
      if (!isMap(t)) throw new CelEvalError(`no such overload: has() on ${typeName(t)}`);
      return Object.hasOwn(t, n.field);
    }
    case 'index': {
      const t = evalCel(n.target, vars);
      const i = evalCel(n.index, vars);
      if (Array.isArray(t)) {
        if (typeof i !== 'number' || !Number.isInteger(i)) throw noOverload('_[_]', t, i);
        if (i < 0 || i >= t.length) throw new CelEvalError(`index out of bounds: ${i}`);
        return t[i];
      }
      if (isMap(t)) {
        if (typeof i !== 'string' || !Object.hasOwn(t, i)) throw new CelEvalError(`no such key: ${String(i)}`);
        return t[i];
      }
      throw noOverload('_[_]', t, i);
    }
    case 'list':
      return n.items.map((i) => evalCel(i, vars));
    case 'call':
      return callFunction(n.fn, n.target ? evalCel(n.target, vars) : undefined, n.args.map((a) => evalCel(a, vars)), !n.target);
    case 'macro': {
      const t = evalCel(n.target, vars);
      const elems = Array.isArray(t) ? t : isMap(t) ? Object.keys(t) : undefined;
      if (!elems) throw noOverload(n.fn, t);
      const want = n.fn === 'all' ? false : true;
      let err: unknown;
      for (const e of elems) {
        try {
          if (asBool(evalCel(n.body, { ...vars, [n.variable]: e }), n.fn) === want) return want;
        } catch (x) {
          err ??= x;
        }
      }
      if (err) throw err;
      return !want;
    }
    case 'not':
      return !asBool(evalCel(n.arg, vars), '!_');
    case 'cond':
      return asBool(evalCel(n.test, vars), '_?_:_') ? evalCel(n.then, vars) : evalCel(n.otherwise, vars);
    case 'binary':
      return n.operator === '&&' || n.operator === '||' ? logical(n.operator, n.left, n.right, vars) : relation(n.operator, evalCel(n.left, vars), evalCel(n.right, vars));
  }
}

/** CEL's commutative logic: a decisive operand wins even if the other is an error. */
function logical(op: '&&' | '||', l: CelNode, r: CelNode, vars: Record<string, unknown>): boolean {
  const decisive = op === '||';
  const side = (n: CelNode): boolean | CelEvalError => {
    try {
      return asBool(evalCel(n, vars), op === '&&' ? '_&&_' : '_||_');
    } catch (e) {
      if (e instanceof CelEvalError) return e;
      throw e;
    }
  };
  const a = side(l);
  if (a === decisive) return decisive;
  const b = side(r);
  if (b === decisive) return decisive;
  if (a instanceof CelEvalError) throw a;
  if (b instanceof CelEvalError) throw b;
  return !decisive;
}

function relation(op: Exclude<BinaryOperator, '&&' | '||'>, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return deepEqual(a, b);
    case '!=':
      return !deepEqual(a, b);
    case 'in':
      if (Array.isArray(b)) return b.some((x) => deepEqual(x, a));
      if (isMap(b)) return typeof a === 'string' && Object.hasOwn(b, a);
      throw noOverload('@in', a, b);
    default: {
      const comparable = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string') || (typeof a === 'boolean' && typeof b === 'boolean');
      if (!comparable) throw noOverload(`_${op}_`, a, b);
      const x = a as number | string;
      const y = b as number | string;
      return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
    }
  }
}

function callFunction(fn: string, target: unknown, args: unknown[], global: boolean): unknown {
  if (fn === 'size') {
    const v = global ? args[0] : target;
    if (!global && args.length) throw noOverload('size', target, ...args);
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (isMap(v)) return Object.keys(v).length;
    throw noOverload('size', v);
  }
  const [arg] = args;
  if (typeof target !== 'string' || typeof arg !== 'string' || args.length !== 1) throw noOverload(fn, target, ...args);
  switch (fn) {
    case 'startsWith':
      return target.startsWith(arg);
    case 'endsWith':
      return target.endsWith(arg);
    case 'contains':
      return target.includes(arg);
    case 'matches':
      try {
        return new RegExp(arg, 'u').test(target);
      } catch {
        throw new CelEvalError(`invalid regular expression: ${arg}`);
      }
  }
  throw noOverload(fn, target, ...args);
}
