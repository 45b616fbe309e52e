/**
 * The console process: `tsx web/main.ts` (npm start runs it beside the worker). One Temporal
 * connection for every request; mail goes out through SMTP_URL like the worker's.
 */
import { createMailer } from '../activities/mailer';
import { createClient, describeTarget } from '../client/connection';
import { loadDirectory } from '../client/directory';
import { loadWebConfig } from './config';
import { buildServer } from './server';

async function main(): Promise<void> {
  const config = loadWebConfig();
  const directory = loadDirectory();
  const client = await createClient();
  const mailer = createMailer();
  const app = await buildServer({ client, directory, config, mailer });
  await app.listen({ port: config.port, host: config.host });
  console.log(
    `web console listening on http://${config.host}:${config.port} (public address ${config.publicBaseUrl}; Temporal ${describeTarget()})`,
  );
  const stop = async () => {
    await app.close();
    mailer.close();
    await client.connection.close();
    process.exit(0);
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`web console: ${err?.stack ?? err}`);
  process.exit(1);
});
