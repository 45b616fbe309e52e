/**
 * Where Temporal is, for the worker, the CLI and the scripts: everything comes from the
 * environment through @temporalio/envconfig (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*, TEMPORAL_PROFILE and the
 * TEMPORAL_CONFIG_FILE / ~/.config/temporalio/temporal.toml profile file).
 * With nothing set: 127.0.0.1:7233, namespace "default", no TLS — what `npm start` runs.
 */
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnection } from '@temporalio/worker';
import { dataConverter } from './codec';

export const DEFAULT_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_NAMESPACE = 'default';

type TLSOption = NonNullable<ConnectionOptions['tls']>;

export interface TemporalConnectionConfig {
  namespace: string;
  /** Accepted as is by both `Connection.connect` (client) and `NativeConnection.connect` (worker). */
  connectionOptions: {
    address: string;
    tls?: TLSOption;
    apiKey?: string;
    metadata?: Record<string, string>;
  };
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/** Reads the connection settings; `env` defaults to process.env, `profile` to TEMPORAL_PROFILE / "default". */
export function connectionOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  profile?: string,
): TemporalConnectionConfig {
  const { connectionOptions: o, namespace } = loadClientConnectConfig({ overrideEnvVars: definedEnv(env), profile });
  const connectionOptions: TemporalConnectionConfig['connectionOptions'] = { address: o.address || DEFAULT_ADDRESS };
  if (o.tls !== undefined && o.tls !== null) connectionOptions.tls = o.tls;
  if (o.apiKey) connectionOptions.apiKey = o.apiKey;
  if (o.metadata && Object.keys(o.metadata).length > 0)
    connectionOptions.metadata = o.metadata as Record<string, string>;
  return { namespace: namespace || DEFAULT_NAMESPACE, connectionOptions };
}

/** One line for logs, without secrets: `127.0.0.1:7233 (namespace default)`. */
export function describeTarget(config: TemporalConnectionConfig = connectionOptionsFromEnv()): string {
  const extras = [`namespace ${config.namespace}`];
  if (config.connectionOptions.tls) extras.push('TLS');
  if (config.connectionOptions.apiKey) extras.push('API key');
  return `${config.connectionOptions.address} (${extras.join(', ')})`;
}

/** A client-side gRPC connection (also gives operatorService). Close it with `connection.close()`. */
export async function createConnection(
  config: TemporalConnectionConfig = connectionOptionsFromEnv(),
): Promise<Connection> {
  return Connection.connect(config.connectionOptions);
}

/** A Client on the configured namespace. Close it with `client.connection.close()`. */
export async function createClient(config: TemporalConnectionConfig = connectionOptionsFromEnv()): Promise<Client> {
  return clientOn(await createConnection(config), config.namespace);
}

/** A Client on an open connection, with the project's data converter: every payload it sends is encrypted. */
export function clientOn(connection: Connection, namespace = DEFAULT_NAMESPACE): Client {
  return new Client({ connection, namespace, dataConverter: dataConverter() });
}

/**
 * For the worker: `Worker.create({ connection: await createNativeConnection(), namespace: connectionOptionsFromEnv().namespace, … })`.
 * @temporalio/worker is loaded lazily so that the CLI does not pay for it.
 */
export async function createNativeConnection(
  config: TemporalConnectionConfig = connectionOptionsFromEnv(),
): Promise<NativeConnection> {
  const { NativeConnection: Native } = await import('@temporalio/worker');
  return Native.connect(config.connectionOptions);
}
