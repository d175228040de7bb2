import { Command, Option } from 'commander';
import { createKeyFor, createTenant, DEFAULT_TENANT, findTenant } from '../modules/access/access.service.ts';
import { ensurePerson, findPersonByLogin } from '../modules/people/people.service.ts';
import { issueLoginLink } from '../modules/people/sessions.service.ts';
import { roles, systemActor, type Role } from '../platform/context.ts';
import { revokeKey } from '../modules/access/access.service.ts';
import { systemClock } from '../platform/clock.ts';
import { AppError, isAppError } from '../platform/errors.ts';
import { verifyLedger } from '../modules/inventory/stock.service.ts';
import { openRuntime, withDatabase } from './runtime.ts';
import { runSandboxes, sandboxDefaults } from './sandbox.ts';
import { serve, work } from './serve.ts';
import { timeCommands } from './time.ts';

const dbOption = () => new Option('--db <target>', 'database: a directory for the embedded database, "memory", or a postgres:// URL (default: DATABASE_URL, else ./.oms-data)');

const program = new Command('oms').description('Order-management platform (订单中台)').showHelpAfterError();

program
  .command('serve')
  .description('run the API (and, with --demo, a demo tenant with live sample orders)')
  .option('--port <port>', 'port to listen on (default: PORT or 3000)')
  .option('--host <host>', 'interface to listen on (default: HOST or 127.0.0.1)')
  .addOption(dbOption())
  .option('--demo', 'create the demo tenant and keep sample orders arriving')
  .option('--no-workers', 'serve the API only; background work runs in `oms worker` processes')
  .option('--sandbox-port-base <port>', 'with --demo: the sandbox marketplaces listen on this port and the next three (Douyin, Taobao, JD, PDD), the Qimen WMS on +4 and the JSON WMS on +5 (default: free ports)')
  .action((opts) => serve(opts));

program
  .command('worker')
  .description('run the background work only (channel pulls, inventory jobs, the WMS dispatcher); any number may run against one PostgreSQL')
  .addOption(dbOption())
  .action((opts: { db?: string }) => work(opts));

program
  .command('sandbox')
  .description('run the Douyin, Taobao, JD and PDD sandboxes standalone, with demo credentials, pushing new orders to an OMS')
  .option('--port-base <port>', 'Douyin listens here, Taobao on +1, JD on +2, PDD on +3', sandboxDefaults.portBase)
  .option('--host <host>', 'interface to listen on', sandboxDefaults.host)
  .option('--seed <n>', 'seed for the generated orders (default: random)')
  .option('--webhook-base <url>', 'the OMS the sandboxes push to, at <url>/webhooks/<channel>/<tenant>.<shop>', sandboxDefaults.webhookBase)
  .option('--tenant <id>', 'OMS tenant owning the shops (in the push URLs)', sandboxDefaults.tenant)
  .option('--douyin-shop <id>', 'OMS shop id of the Douyin shop', 'dy-demo')
  .option('--taobao-shop <id>', 'OMS shop id of the Taobao shop', 'tb-demo')
  .option('--jd-shop <id>', 'OMS shop id of the JD shop', 'jd-demo')
  .option('--pdd-shop <id>', 'OMS shop id of the PDD shop', 'pdd-demo')
  .action((opts) => runSandboxes(opts));

program
  .command('migrate')
  .description('bring the database schema up to date and exit')
  .addOption(dbOption())
  .action(async (opts: { db?: string }) => {
    const { handle } = await openRuntime(opts.db);
    process.stdout.write(`schema up to date — ${handle.label}\n`);
    await handle.close();
  });

const tenants = program.command('tenants').description('manage tenants');
tenants
  .command('create <id>')
  .description('create a tenant (lowercase letters, digits, dashes)')
  .option('--name <name>', 'display name')
  .addOption(dbOption())
  .action((id: string, opts: { name?: string; db?: string }) =>
    withDatabase(opts.db, async (handle) => {
      const created = await createTenant(handle.db, { id, name: opts.name ?? id }, systemClock.now());
      process.stdout.write(created ? `tenant ${id} created\n` : `tenant ${id} already exists\n`);
    }),
  );

const keys = program.command('keys').description('manage API keys');
keys
  .command('create')
  .description('create an API key and print it (shown only once)')
  .addOption(new Option('--role <role>', 'role of the key').choices(roles).default('ops'))
  .option('--name <name>', 'what the key is for', 'cli')
  .option('--tenant <id>', 'tenant', DEFAULT_TENANT)
  .addOption(dbOption())
  .action((opts: { role: Role; name: string; tenant: string; db?: string }) =>
    withDatabase(opts.db, async (handle) => {
      const issued = await createKeyFor(handle.db, opts.tenant, opts.name, opts.role, systemClock.now());
      process.stdout.write(`${issued.key}\n`);
      process.stderr.write(`key ${issued.view.id} (${issued.view.role}) for tenant ${opts.tenant}; store it now, it is not shown again\n`);
    }),
  );
keys
  .command('revoke <id>')
  .description('revoke an API key at once')
  .option('--tenant <id>', 'tenant', DEFAULT_TENANT)
  .addOption(dbOption())
  .action((id: string, opts: { tenant: string; db?: string }) =>
    withDatabase(opts.db, async (handle) => {
      const view = await revokeKey({ tenantId: opts.tenant, actor: systemActor('cli'), clock: systemClock, db: handle.db }, id);
      process.stdout.write(`key ${view.id} revoked at ${view.revokedAt}\n`);
    }),
  );

const people = program.command('people').description('people who sign in to the console');
people
  .command('login-link')
  .description('print a one-time link that signs a person in to the console (24 hours); with --create, add them first')
  .requiredOption('--login <name>', 'their login name')
  .option('--tenant <id>', 'tenant', DEFAULT_TENANT)
  .option('--create', 'add the person if there is none by that name')
  .addOption(new Option('--role <role>', 'with --create: their role').choices(roles).default('ops'))
  .option('--base-url <url>', 'where the console is served', 'http://127.0.0.1:3000')
  .addOption(dbOption())
  .action((opts: { login: string; tenant: string; create?: boolean; role: Role; baseUrl: string; db?: string }) =>
    withDatabase(opts.db, async (handle) => {
      const ctx = { tenantId: opts.tenant, actor: systemActor('cli'), clock: systemClock, db: handle.db };
      if (!(await findTenant(handle.db, opts.tenant))) throw new AppError('NOT_FOUND', `tenant ${opts.tenant} not found`);
      const person = opts.create
        ? await ensurePerson(ctx, { login: opts.login, displayName: opts.login, role: opts.role })
        : await findPersonByLogin(ctx, opts.login);
      if (!person) throw new AppError('PERSON_NOT_FOUND', `nobody logs in as ${opts.login} in tenant ${opts.tenant} (add --create)`);
      const token = await issueLoginLink(handle.db, person, systemClock.now());
      process.stdout.write(`${opts.baseUrl.replace(/\/$/, '')}/auth/link?token=${token}\n`);
    }),
  );

const inventory = program.command('inventory').description('inventory checks');
inventory
  .command('verify')
  .description('check that every stock level equals the sum of its ledger movements and of its live reservations; exits 1 when not')
  .option('--tenant <id>', 'only this tenant (default: all)')
  .addOption(dbOption())
  .action((opts: { tenant?: string; db?: string }) =>
    withDatabase(opts.db, async (handle) => {
      const verdict = await verifyLedger(handle.db, opts.tenant);
      for (const m of verdict.mismatches.slice(0, 50)) {
        process.stdout.write(
          `MISMATCH ${m.tenantId} ${m.sku}@${m.warehouseCode}: on_hand ${m.onHand} (ledger ${m.ledgerOnHand}), ` +
            `reserved ${m.reserved} (ledger ${m.ledgerReserved}, live reservations ${m.activeReserved})\n`,
        );
      }
      process.stdout.write(verdict.ok
        ? `inventory verified: ${verdict.levelsChecked} levels equal their ledger and reservations\n`
        : `inventory NOT consistent: ${verdict.mismatches.length} of ${verdict.levelsChecked} levels disagree\n`);
      process.exitCode = verdict.ok ? 0 : 1;
    }),
  );

timeCommands(program, dbOption);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`oms: ${isAppError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(isAppError(err) && err.status < 500 ? 2 : 1);
});
