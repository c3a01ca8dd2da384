import { parseArgs } from 'node:util';
import { validatePaths } from './validate.ts';

const USAGE = `apim-sync — API management from Kubernetes, through SQS and Lambda

Usage:
  apim-sync start                 sync the cluster in KUBECONFIG; without a reachable cluster, start the sandbox
  apim-sync sandbox               test API server + Gravitee, 3scale and WSO2 emulators + sync plane, with examples/ applied
  apim-sync validate -f FILE|DIR  check resources offline; exits 1 if any is invalid
  apim-sync usage [--since 7d] [--file F]   syncs, calls, billed duration and cost per cluster and namespace
  apim-sync cluster add ID --context CTX (--registry-file F | --registry-secret ID [--region R])
                                  the sync identity in that cluster (infra/sync-access) and its registry entry;
                                  --eks NAME --region R for an EKS entry; cluster list | remove ID (--help for more)
  apim-sync emulate gravitee [--port N]   the Gravitee APIM emulator, standalone
  apim-sync emulate 3scale [--port N]     the 3scale emulator (tenant acme, token acme-token), standalone
  apim-sync emulate wso2 [--port N]       a WSO2 gateway controller and APIM 4.7 (control plane + Publisher), standalone
  apim-sync wso2 gateway-access --gateway NAME --namespace NS [--service NAME[:PORT]]
                                  the RBAC that lets the sync function reach that gateway's controller, for kubectl apply
  apim-sync wso2 register-client --apim URL --username ADMIN [--password-stdin] [--apply] ...
                                  an OAuth2 client in WSO2 APIM for bottom-up sync, as a Secret (--help for more)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate': {
      const { values } = parseArgs({ args: rest, options: { file: { type: 'string', short: 'f', multiple: true } } });
      if (!values.file?.length) return usage('validate needs -f FILE|DIR');
      const { checked, findings, notSynced } = validatePaths(values.file);
      for (const f of notSynced) console.log(`${f.file}: ${f.resource}: ${f.problems[0]}`);
      for (const f of findings) {
        console.log(`${f.file}: ${f.resource}`);
        for (const p of f.problems) console.log(`  ${p}`);
      }
      console.log(`${checked} resource(s) checked, ${findings.length} invalid${notSynced.length ? `, ${notSynced.length} of kinds apim-sync does not sync` : ''}`);
      return findings.length ? 1 : 0;
    }
    case 'emulate': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { port: { type: 'string' }, host: { type: 'string' } } });
      if (positionals[0] === '3scale') {
        const { startThreescaleEmulator } = await import('../emulators/threescale/index.ts');
        const tenants = [{ name: 'acme', adminToken: 'acme-token' }];
        const emu = await startThreescaleEmulator({ port: Number(values.port ?? 8084), host: values.host ?? '127.0.0.1', tenants });
        console.log(JSON.stringify({ message: '3scale emulator listening', url: emu.url, masterToken: 'master-token', tenants: tenants.map((t) => ({ name: t.name, adminUrl: emu.adminUrl(t.name), token: t.adminToken })) }));
        await untilSignal();
        await emu.close();
        return 0;
      }
      if (positionals[0] === 'wso2') return emulateWso2(values);
      if (positionals[0] !== 'gravitee') return usage('emulate supports: gravitee, 3scale, wso2');
      const { startGraviteeEmulator } = await import('../emulators/gravitee/index.ts');
      const apim = await startGraviteeEmulator({ port: Number(values.port ?? 8083), host: values.host ?? '127.0.0.1' });
      console.log(JSON.stringify({ message: 'Gravitee APIM emulator listening', url: apim.url, username: 'admin', password: 'admin' }));
      await untilSignal();
      await apim.close();
      return 0;
    }
    case 'wso2': {
      if (rest[0] === 'gateway-access') return gatewayAccessCommand(rest.slice(1));
      if (rest[0] !== 'register-client') return usage('wso2 supports: register-client, gateway-access');
      const { registerClientCommand } = await import('./wso2-register-client.ts');
      return registerClientCommand(rest.slice(1));
    }
    case 'cluster': {
      const { clusterCommand } = await import('./cluster.ts');
      return clusterCommand(rest);
    }
    case 'usage': {
      const { usageCommand } = await import('./usage.ts');
      return usageCommand(rest);
    }
    case 'sandbox':
    case 'start': {
      const { runStart } = await import('../local/start.ts');
      return runStart({ sandboxOnly: command === 'sandbox' });
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      return usage(`unknown command ${command}`);
  }
}

/**
 * The Role and RoleBinding that let the sync function reach one WSO2 gateway's controller through the API server
 * (its Service's proxy, port-forward in its namespace), as YAML for `kubectl apply -f -`.
 */
async function gatewayAccessCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { gateway: { type: 'string' }, namespace: { type: 'string', short: 'n' }, service: { type: 'string' } } });
  if (!values.gateway || !values.namespace) return usage('wso2 gateway-access needs --gateway NAME --namespace NS [--service NAME[:PORT]]');
  const [service, port] = values.service?.split(':') ?? [];
  const { gatewayAccess } = await import('../vendors/wso2/gateway/cluster-access.ts');
  const { stringify } = await import('yaml');
  const docs = gatewayAccess({ gateway: values.gateway, namespace: values.namespace, service: service || undefined, port: port ? Number(port) : undefined });
  console.log(docs.map((d) => stringify(d)).join('---\n').trimEnd());
  return 0;
}

/** `--port N`: the gateway controller on N, APIM (and the control plane behind it) on N+1. */
async function emulateWso2(values: { port?: string; host?: string }): Promise<number> {
  const { startWso2Emulators } = await import('../emulators/wso2/index.ts');
  const port = Number(values.port ?? 9090);
  const wso2 = await startWso2Emulators({ host: values.host ?? '127.0.0.1', ports: { gatewayController: port, apim: port + 1 } });
  console.log(
    JSON.stringify({
      message: 'WSO2 emulators listening',
      gatewayController: { managementApi: wso2.gatewayController.baseUrl, username: 'admin', password: 'admin' },
      apim: { url: wso2.apim.url, controlPlaneHost: wso2.host, admin: 'admin/admin', caPem: wso2.caPem },
      gateway: { name: wso2.gatewayName, registrationToken: wso2.registrationToken },
      oauth2Client: { clientId: wso2.client.clientId, clientSecret: wso2.client.clientSecret },
    }),
  );
  await untilSignal();
  await wso2.close();
  return 0;
}

function usage(problem: string): number {
  console.error(`${problem}\n\n${USAGE}`);
  return 2;
}

export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
