/**
 * A private CUPS scheduler for tests: cupsd with its own configuration, spool and state under a
 * temp dir, listening on a free loopback port (no socket in /run, no browsing), started and stopped
 * by pid — never by process name, never the machine's own cupsd. Its queues print through
 * cups-pdf into `outputDir`, the "paper" a test reads back.
 *
 * cups-pdf reads its configuration only from /etc/cups (compiled in): a queue whose device URI is
 * `cups-pdf:/<name>` uses /etc/cups/cups-pdf-<name>.conf, so each queue gets such a file with a
 * name unique to this run, pointing at this run's directories, removed at stop (and at exit).
 * That, and cups-pdf's backend running as root, is why the tests need root, as CI has.
 *
 * The scheduler keeps no job document once a job ends (PreserveJobFiles No, as a store's cupsd
 * should); the kiosk purges them anyway (cups-printer.ts). `spooledDocuments()` lists what is left.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const CUPSD = '/usr/sbin/cupsd';
const CUPS_PDF_BACKEND = '/usr/lib/cups/backend/cups-pdf';
const CUPS_PDF_PPD = '/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd';
const CUPS_CLIENT = '/usr/sbin/lpadmin';
const CUPS_PDF_CONFIG_DIR = '/etc/cups';

/**
 * Why the CUPS tests cannot run here, or undefined when they can: the Debian packages, named with
 * the command that installs them (scripts/bootstrap.sh installs them as root).
 */
export function cupsUnavailable(): string | undefined {
  const missing = [
    [CUPSD, 'cups'],
    [CUPS_PDF_BACKEND, 'printer-driver-cups-pdf'],
    [CUPS_PDF_PPD, 'printer-driver-cups-pdf'],
    [CUPS_CLIENT, 'cups-client'],
  ]
    .filter(([file]) => !existsSync(file!))
    .map(([, pkg]) => pkg!);
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing)].join(' ');
  return (
    `CUPS tests skipped: missing Debian packages ${packages}. ` +
    `Install them with: apt-get install -y --no-install-recommends ${packages} (or run scripts/bootstrap.sh test as root)`
  );
}

export interface CupsServer {
  port: number;
  /** Where every queue's cups-pdf writes what it printed (one PDF per job, named after the job). */
  outputDir: string;
  /** Adds a cups-pdf queue, enabled and accepting; returns its IPP URI. */
  addPdfQueue(queue: string): Promise<string>;
  /** An operator's commands, through CUPS' own clients. */
  pause(queue: string): void;
  resume(queue: string): void;
  reject(queue: string): void;
  accept(queue: string): void;
  /** Cancels every job of the queue, as an operator would (`cancel -a`). */
  cancelAll(queue: string): void;
  /** Sets printer-state-reasons as a printer's backend would report them (`media-jam-error`, `none`). */
  setReasons(queue: string, reasons: string): void;
  /** Document files of jobs still in the scheduler's spool (a resident's certificate, if any). */
  spooledDocuments(): string[];
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

function writeConfig(root: string, port: number): { cupsdConf: string; filesConf: string; spool: string } {
  const spool = join(root, 'spool');
  const filesConf = join(root, 'cups-files.conf');
  const cupsdConf = join(root, 'cupsd.conf');
  for (const dir of ['cache', 'state', 'log', 'spool', 'spool/tmp']) mkdirSync(join(root, dir));
  writeFileSync(
    filesConf,
    [
      `ServerRoot ${root}`,
      `RequestRoot ${spool}`,
      `TempDir ${join(spool, 'tmp')}`,
      `CacheDir ${join(root, 'cache')}`,
      `StateDir ${join(root, 'state')}`,
      `ErrorLog ${join(root, 'log', 'error_log')}`,
      `AccessLog ${join(root, 'log', 'access_log')}`,
      `PageLog ${join(root, 'log', 'page_log')}`,
      `Printcap ${join(root, 'printcap')}`,
      'User lp',
      'Group lp',
      'SystemGroup root',
      '',
    ].join('\n'),
  );
  // Loopback only, nobody asked for a password: the test is the store's operator and its kiosk.
  writeFileSync(
    cupsdConf,
    [
      `Listen 127.0.0.1:${port}`,
      'LogLevel warn',
      'Browsing No',
      'BrowseLocalProtocols none',
      'WebInterface No',
      'DefaultAuthType None',
      'PreserveJobFiles No',
      '<Location />',
      '  Order allow,deny',
      '  Allow from 127.0.0.1',
      '</Location>',
      '<Policy default>',
      '  <Limit All>',
      '    Order deny,allow',
      '  </Limit>',
      '</Policy>',
      '',
    ].join('\n'),
  );
  return { cupsdConf, filesConf, spool };
}

async function waitUntilListening(port: number, child: ChildProcess, root: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`cupsd exited (${child.exitCode}); see ${join(root, 'log', 'error_log')}`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`cupsd did not listen on 127.0.0.1:${port} within 20 s`);
}

export async function startCups(): Promise<CupsServer> {
  const why = cupsUnavailable();
  if (why) throw new Error(why);
  if (process.getuid?.() !== 0) throw new Error('the CUPS test server needs root: cups-pdf reads its queue configuration from /etc/cups');
  const root = mkdtempSync(join(tmpdir(), 'madoguchi-cups-'));
  // The scheduler's filters run as lp and must reach the spool under this directory.
  chmodSync(root, 0o755);
  const outputDir = join(root, 'paper');
  mkdirSync(outputDir, { mode: 0o700 });
  // A job from a user the system does not know prints as cups-pdf's anonymous user, nobody.
  execFileSync('chown', ['nobody', outputDir]);
  const port = await freePort();
  const { cupsdConf, filesConf, spool } = writeConfig(root, port);
  const child = spawn(CUPSD, ['-f', '-c', cupsdConf, '-s', filesConf], { stdio: ['ignore', 'ignore', 'pipe'] });
  const pdfConfigs: string[] = [];
  const server = `127.0.0.1:${port}`;
  let stopped = false;
  const cleanUp = () => {
    if (!stopped && child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    for (const file of pdfConfigs) rmSync(file, { force: true });
  };
  process.once('exit', cleanUp);
  try {
    await waitUntilListening(port, child, root);
  } catch (error) {
    cleanUp();
    throw error;
  }

  const admin = (command: string, args: string[]) => {
    const result = spawnSync(command, ['-h', server, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  };

  return {
    port,
    outputDir,
    async addPdfQueue(queue) {
      const name = `madoguchi-test-${randomBytes(6).toString('hex')}`;
      const config = join(CUPS_PDF_CONFIG_DIR, `cups-pdf-${name}.conf`);
      pdfConfigs.push(config);
      writeFileSync(
        config,
        [
          `Out ${outputDir}`,
          `AnonDirName ${outputDir}`,
          'AnonUMask 0077',
          `Spool ${join(root, 'cups-pdf-spool')}`,
          `Log ${join(root, 'log')}`,
          'Grp lp',
          '',
        ].join('\n'),
      );
      admin('/usr/sbin/lpadmin', ['-p', queue, '-E', '-v', `cups-pdf:/${name}`, '-P', CUPS_PDF_PPD]);
      return `ipp://${server}/printers/${queue}`;
    },
    pause: (queue) => admin('/usr/sbin/cupsdisable', [queue]),
    resume: (queue) => admin('/usr/sbin/cupsenable', [queue]),
    reject: (queue) => admin('/usr/sbin/cupsreject', [queue]),
    accept: (queue) => admin('/usr/sbin/cupsaccept', [queue]),
    cancelAll: (queue) => admin('/usr/bin/cancel', ['-a', queue]),
    setReasons: (queue, reasons) => admin('/usr/sbin/lpadmin', ['-p', queue, '-o', `printer-state-reasons=${reasons}`]),
    spooledDocuments: () => (existsSync(spool) ? readdirSync(spool).filter((name) => /^d\d+-\d+$/.test(name)) : []),
    async stop() {
      if (stopped) return;
      const exited = new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
      cleanUp();
      stopped = true;
      await exited;
      process.removeListener('exit', cleanUp);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
