import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { SyncError } from '../shared/engine/errors.ts';
import { Cluster } from '../shared/kube/cluster.ts';
import { SECRET, type KubeObject } from '../shared/kube/object-ref.ts';
import { VendorHttp } from '../shared/vendor-http/vendor-http.ts';
import { registerClient } from '../vendors/wso2/apim/dcr.ts';

export const REGISTER_CLIENT_USAGE = `apim-sync wso2 register-client — an OAuth2 client in WSO2 API Manager for bottom-up sync (the seed's Steps 2-3)

Usage:
  apim-sync wso2 register-client --apim https://HOST:9443 --username ADMIN [--password-stdin]
      [--client-name gateway-controller] [--namespace NS] [--secret apim-oauth-client-secret-secret]
      [--insecure] [--ca FILE] [--apply]

Registers the client (POST /client-registration/v0.17/register, grant types client_credentials password
refresh_token) and prints the Secret the gateway's values name in extraEnvFrom, for \`| kubectl apply -f -\`; with
--apply, writes it through KUBECONFIG instead. The password is read from stdin with --password-stdin, else prompted.
The client secret is never printed to a terminal: pipe or redirect the output, or use --apply.
`;

/** The seed's Step 3 Secret, which its values name in `extraEnvFrom`. */
export const OAUTH_SECRET = 'apim-oauth-client-secret-secret';
/** The seed's Step 3 keys (the gateway reads every spelling; this is the one its documentation shows). */
export const CLIENT_ID_KEY = 'APIP_GW_CONTROLLER_CONTROLPLANE_APIM__OAUTH2__CLIENT__ID';
export const CLIENT_SECRET_KEY = 'APIP_GW_CONTROLLER_CONTROLPLANE_APIM__OAUTH2__CLIENT__SECRET';

/** What the command reads and writes: the process's streams, or a test's. */
export interface CommandIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** The cluster `--apply` writes to; default: KUBECONFIG (or ~/.kube/config), its current context. */
  cluster?(): Promise<{ cluster: Cluster; namespace: string }>;
}

export async function registerClientCommand(args: string[], io: CommandIo = processIo()): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        apim: { type: 'string' },
        username: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'client-name': { type: 'string' },
        namespace: { type: 'string' },
        secret: { type: 'string' },
        insecure: { type: 'boolean' },
        ca: { type: 'string' },
        apply: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return fail(io, (err as Error).message, 2);
  }
  if (values.help) {
    io.stdout.write(REGISTER_CLIENT_USAGE);
    return 0;
  }
  if (!values.apim || !values.username) return fail(io, 'register-client needs --apim and --username', 2);
  const apimUrl = /^https?:\/\//.test(values.apim) ? values.apim.replace(/\/+$/, '') : `https://${values.apim.replace(/\/+$/, '')}`;
  if (!values.apply && io.stdout.isTTY) {
    return fail(io, 'the Secret manifest holds the client secret: pipe it (| kubectl apply -f -), redirect it to a file, or use --apply', 2);
  }
  const password = values['password-stdin'] ? await readAll(io.stdin) : io.stdin.isTTY ? await promptHidden(io, `Password for ${values.username}: `) : undefined;
  if (!password) return fail(io, 'no password: give it on stdin with --password-stdin', 2);

  // A tool run by the APIM operator against their own host: no address policy, TLS as they say.
  const http = new VendorHttp({ policy: { allowLoopback: true, allowLinkLocal: true }, ...(values.ca ? { ca: [readFileSync(values.ca, 'utf8')] } : {}) });
  try {
    const client = await registerClient(http, { apimUrl, username: values.username, password, clientName: values['client-name'] ?? 'gateway-controller', tls: { insecureSkipVerify: values.insecure ?? false } });
    const name = values.secret ?? OAUTH_SECRET;
    if (values.apply) {
      const { cluster, namespace: current } = await (io.cluster ?? kubeconfigCluster)();
      const namespace = values.namespace ?? current;
      const action = await applySecret(cluster, namespace, name, client);
      io.stderr.write(`registered OAuth2 client "${client.clientName ?? values['client-name'] ?? 'gateway-controller'}" in ${new URL(apimUrl).host}; Secret ${namespace}/${name} ${action}\n`);
      return 0;
    }
    io.stdout.write(secretManifest(name, values.namespace, client));
    io.stderr.write(`registered OAuth2 client "${client.clientName ?? values['client-name'] ?? 'gateway-controller'}" in ${new URL(apimUrl).host}\n`);
    return 0;
  } catch (err) {
    const code = String(((err as Error).cause as { code?: unknown } | undefined)?.code ?? '');
    const hint = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code) ? " (APIM's certificate is not trusted: name its CA with --ca FILE, or pass --insecure)" : '';
    return fail(io, `${err instanceof SyncError || err instanceof Error ? err.message : String(err)}${hint}`, 1);
  } finally {
    await http.close();
  }
}

/** The seed's Step 3 Secret (`apim-oauth-secret.yaml`). */
export function secretManifest(name: string, namespace: string | undefined, client: { clientId: string; clientSecret: string }): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    type: 'Opaque',
    stringData: { [CLIENT_ID_KEY]: client.clientId, [CLIENT_SECRET_KEY]: client.clientSecret },
  });
}

/** Creates the Secret, or sets the two keys of an existing one (other keys, a username and password, are kept). */
async function applySecret(cluster: Cluster, namespace: string, name: string, client: { clientId: string; clientSecret: string }): Promise<'created' | 'updated'> {
  const ref = { ...SECRET, namespace, name };
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  if (await cluster.get(ref)) {
    await cluster.patchData(ref, { [CLIENT_ID_KEY]: b64(client.clientId), [CLIENT_SECRET_KEY]: b64(client.clientSecret) });
    return 'updated';
  }
  const secret: KubeObject = { ...SECRET, metadata: { name, namespace }, type: 'Opaque', stringData: { [CLIENT_ID_KEY]: client.clientId, [CLIENT_SECRET_KEY]: client.clientSecret } } as KubeObject;
  await cluster.create(secret);
  return 'created';
}

async function kubeconfigCluster(): Promise<{ cluster: Cluster; namespace: string }> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const namespace = kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  return { cluster: new Cluster('cli', kc), namespace };
}

function fail(io: CommandIo, message: string, code: number): number {
  io.stderr.write(`register-client: ${message}\n`);
  return code;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** A password typed at the terminal, not echoed. */
function promptHidden(io: CommandIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  io.stdin.setRawMode?.(true);
  return new Promise((resolve) => {
    let typed = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          io.stdin.removeListener('data', onData);
          io.stdin.setRawMode?.(false);
          (io.stdin as NodeJS.ReadStream).pause?.();
          io.stderr.write('\n');
          return resolve(typed);
        }
        if (ch === '\u0003') process.exit(130);
        typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
      }
    };
    io.stdin.on('data', onData);
    (io.stdin as NodeJS.ReadStream).resume?.();
  });
}

function processIo(): CommandIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}
