import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLIENT_ID_KEY, CLIENT_SECRET_KEY, registerClientCommand, type CommandIo } from '../../cli/wso2-register-client.ts';
import { main } from '../../cli/main.ts';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { startWso2Apim, type Wso2ApimEmulator } from '../../emulators/wso2/apim/index.ts';
import { Cluster } from '../../shared/kube/cluster.ts';
import { SECRET } from '../../shared/kube/object-ref.ts';

const ADMIN = { username: 'admin', password: 'admin-pw-9c41e2' };
let apim: Wso2ApimEmulator;
let kube: KubeApiServer;
let caFile: string;
let kubeconfigFile: string;

beforeAll(async () => {
  apim = await startWso2Apim({ admin: ADMIN });
  kube = await startKubeApiServer();
  const dir = mkdtempSync(join(tmpdir(), 'register-client-'));
  caFile = join(dir, 'apim-ca.pem');
  writeFileSync(caFile, apim.caPem);
  kubeconfigFile = join(dir, 'kubeconfig');
  await kube.writeKubeconfig(kubeconfigFile);
  await new Cluster('test', kube.kubeConfig()).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ap-gateway' } });
});

afterAll(async () => {
  expect(apim.violations()).toEqual([]);
  await apim.close();
  await kube.close();
});

/** The command's streams: the password on stdin, stdout a pipe unless `tty`. */
function io(opts: { password?: string; tty?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const stdin = Readable.from(opts.password !== undefined ? [`${opts.password}\n`] : []) as CommandIo['stdin'];
  return { io: { stdin, stdout: { write: (t: string) => out.push(t), isTTY: opts.tty }, stderr: { write: (t: string) => err.push(t) } }, out: () => out.join(''), err: () => err.join('') };
}

const args = (...extra: string[]) => ['--apim', apim.url, '--username', ADMIN.username, '--password-stdin', '--ca', caFile, ...extra];

describe('apim-sync wso2 register-client', () => {
  it("registers a DCR client (the seed's Step 2) and prints Step 3's Secret, in the seed's key spelling, for kubectl", async () => {
    const run = io({ password: ADMIN.password });
    expect(await registerClientCommand(args('--namespace', 'ap-gateway'), run.io)).toBe(0);
    const client = apim.clients().find((c) => c.clientName === 'gateway-controller')!;
    expect(client).toMatchObject({ owner: 'admin', grantTypes: ['client_credentials', 'password', 'refresh_token'], saasApp: true });
    expect(parse(run.out())).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'apim-oauth-client-secret-secret', namespace: 'ap-gateway' },
      type: 'Opaque',
      stringData: { [CLIENT_ID_KEY]: client.clientId, [CLIENT_SECRET_KEY]: client.clientSecret },
    });
    expect(run.err()).toContain('registered OAuth2 client "gateway-controller"');
    expect(run.err()).not.toContain(client.clientSecret);
  });

  it('never prints the secret to a terminal: refuses before registering anything', async () => {
    const before = apim.calls.length;
    const run = io({ password: ADMIN.password, tty: true });
    expect(await registerClientCommand(args('--client-name', 'tty-client'), run.io)).toBe(2);
    expect(run.out()).toBe('');
    expect(run.err()).toContain('use --apply');
    expect(apim.calls.slice(before)).toEqual([]);
  });

  it('--apply writes the Secret through KUBECONFIG; again, it keeps the client and the Secret\'s other keys', async () => {
    const previous = process.env.KUBECONFIG;
    process.env.KUBECONFIG = kubeconfigFile;
    try {
      const first = io({ password: ADMIN.password, tty: true });
      expect(await registerClientCommand(args('--apply', '--client-name', 'applied-client', '--namespace', 'ap-gateway', '--secret', 'apim-oauth'), first.io)).toBe(0);
      expect(first.err()).toContain('Secret ap-gateway/apim-oauth created');
      const client = apim.clients().find((c) => c.clientName === 'applied-client')!;
      const cluster = new Cluster('test', kube.kubeConfig());
      const ref = { ...SECRET, namespace: 'ap-gateway', name: 'apim-oauth' };
      const data = async () => Object.fromEntries(Object.entries(((await cluster.get(ref))?.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
      expect(await data()).toEqual({ [CLIENT_ID_KEY]: client.clientId, [CLIENT_SECRET_KEY]: client.clientSecret });

      await cluster.patchData(ref, { APIP_GW_CONTROLLER__CONTROLPLANE__APIM_OAUTH2__USERNAME: Buffer.from('deployer').toString('base64') });
      const again = io({ password: ADMIN.password, tty: true });
      expect(await registerClientCommand(args('--apply', '--client-name', 'applied-client', '--namespace', 'ap-gateway', '--secret', 'apim-oauth'), again.io)).toBe(0);
      expect(again.err()).toContain('Secret ap-gateway/apim-oauth updated');
      expect(apim.clients().filter((c) => c.clientName === 'applied-client')).toHaveLength(1);
      expect(await data()).toEqual({ [CLIENT_ID_KEY]: client.clientId, [CLIENT_SECRET_KEY]: client.clientSecret, APIP_GW_CONTROLLER__CONTROLPLANE__APIM_OAUTH2__USERNAME: 'deployer' });
      expect(first.out() + again.out() + first.err() + again.err()).not.toContain(client.clientSecret);
    } finally {
      if (previous === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = previous;
    }
  });

  it('a wrong admin password is refused with a clear message that does not repeat it', async () => {
    const run = io({ password: 'wrong-password-x1' });
    expect(await registerClientCommand(args(), run.io)).toBe(1);
    expect(run.err()).toContain('user admin is not an APIM admin or the password is wrong');
    expect(run.err()).not.toContain('wrong-password-x1');
    expect(run.out()).toBe('');
  });

  it("verifies APIM's certificate unless told otherwise: without its CA it fails, with --insecure it registers", async () => {
    const noCa = ['--apim', apim.url, '--username', ADMIN.username, '--password-stdin', '--client-name', 'tls-client'];
    const refused = io({ password: ADMIN.password });
    expect(await registerClientCommand(noCa, refused.io)).toBe(1);
    expect(refused.err()).toContain("APIM's certificate is not trusted: name its CA with --ca FILE, or pass --insecure");
    const insecure = io({ password: ADMIN.password });
    expect(await registerClientCommand([...noCa, '--insecure'], insecure.io)).toBe(0);
    expect(parse(insecure.out()).stringData[CLIENT_ID_KEY]).toBe(apim.clients().find((c) => c.clientName === 'tls-client')!.clientId);
  });

  it('is wired into the CLI (apim-sync wso2 register-client) and says what it needs', async () => {
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((t: string) => err.push(String(t)) > 0) as typeof process.stderr.write;
    try {
      expect(await main(['wso2', 'register-client', '--username', 'admin'])).toBe(2);
      expect(await main(['wso2', 'other'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join('')).toContain('register-client needs --apim and --username');
  });
});
