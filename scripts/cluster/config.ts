/**
 * The server's static config, one file per service, written from the module's config/development-postgres12.yaml
 * with what running four processes on one host needs: each service its own pprof and Prometheus ports (the sample
 * shares 7936 and 8000, which clash), an absolute path to the project's dynamic config, and the sample's archival
 * settings (temp-folder URIs, a Google Cloud key path) left out since nothing here archives.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DB_USER } from './postgres';

export const SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const DYNAMIC_CONFIG = join(__dirname, 'dynamicconfig.yaml');

export interface ServicePorts {
  grpc: number;
  membership: number;
  pprof: number;
  metrics: number;
}

export interface ClusterPorts {
  postgres: number;
  frontendHttp: number;
  services: Record<ServiceName, ServicePorts>;
}

/** `npm run cluster`: the sample's ports, so the CLI's default 127.0.0.1:7233 reaches it; PostgreSQL off 5432. */
export const DEFAULT_PORTS: ClusterPorts = {
  postgres: 54329,
  frontendHttp: 7243,
  services: {
    frontend: { grpc: 7233, membership: 6933, pprof: 7936, metrics: 8000 },
    history: { grpc: 7234, membership: 6934, pprof: 7937, metrics: 8001 },
    matching: { grpc: 7235, membership: 6935, pprof: 7938, metrics: 8002 },
    worker: { grpc: 7239, membership: 6939, pprof: 7939, metrics: 8003 },
  },
};

/** Shards are fixed when the cluster is created; 4 is the sample's value and ample for one district. */
export const NUM_HISTORY_SHARDS = 4;

function store(database: string, port: number, maxConns: number): string {
  return `      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "127.0.0.1:${port}"
        connectProtocol: "tcp"
        user: "${DB_USER}"
        password: "${DB_USER}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
}

export function serverConfig(service: ServiceName, ports: ClusterPorts, logLevel: string): string {
  const own = ports.services[service];
  const rpc = (name: ServiceName) => {
    const p = ports.services[name];
    const http = name === 'frontend' ? `\n      httpPort: ${ports.frontendHttp}` : '';
    return `  ${name}:
    rpc:
      grpcPort: ${p.grpc}
      membershipPort: ${p.membership}
      bindOnLocalHost: true${http}`;
  };
  return `# Written by scripts/cluster/config.ts for the ${service} service; edits are overwritten at the next start.
log:
  stdout: true
  level: ${logLevel}

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${NUM_HISTORY_SHARDS}
  datastores:
    postgres-default:
${store('temporal', ports.postgres, 20)}
    postgres-visibility:
${store('temporal_visibility', ports.postgres, 10)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
  pprof:
    port: ${own.pprof}
  metrics:
    prometheus:
      framework: "tally"
      timerType: "histogram"
      listenAddress: "127.0.0.1:${own.metrics}"

services:
${SERVICES.map(rpc).join('\n')}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.services.frontend.grpc}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: "${DYNAMIC_CONFIG}"
  pollInterval: "10s"
`;
}

/** Writes <dir>/<service>.yaml for each service; returns the paths. */
export function writeServerConfigs(dir: string, ports: ClusterPorts, logLevel = 'warn'): Record<ServiceName, string> {
  mkdirSync(dir, { recursive: true });
  const out = {} as Record<ServiceName, string>;
  for (const s of SERVICES) {
    out[s] = join(dir, `${s}.yaml`);
    writeFileSync(out[s], serverConfig(s, ports, logLevel));
  }
  return out;
}
