/**
 * Where an operator CLI writes, and how it reports a MadoguchiError: code, message, and each issue on
 * its own line (paths and ids only, never personal data). Exit status 2 for a refusal, 1 otherwise.
 * The programs take a CliIo so tests run them in-process; `runCli` wires the real process.
 */
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { MadoguchiError, errorMessage } from '@madoguchi/shared';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  setExitCode(code: number): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

export function reportCliError(io: CliIo, error: unknown): void {
  if (error instanceof MadoguchiError) {
    io.err(`${error.code}: ${errorMessage(error.code, 'ja')} / ${errorMessage(error.code, 'en')}\n`);
    if (error.detail) io.err(`  ${error.detail}\n`);
    for (const issue of error.issues ?? []) io.err(`  ${issue.path}: ${issue.message}\n`);
    io.setExitCode(2);
    return;
  }
  io.err(`${error instanceof Error ? error.message : String(error)}\n`);
  io.setExitCode(1);
}

/** Run a program on `args` (user arguments, without node and script); errors are reported, not thrown. */
export async function runProgram(make: (io: CliIo) => Command, args: string[], io: CliIo = processIo): Promise<void> {
  const program = make(io);
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    // commander reports its own usage errors (already written) with an exitCode.
    if (
      error &&
      typeof error === 'object' &&
      'exitCode' in error &&
      typeof error.exitCode === 'number' &&
      !(error instanceof MadoguchiError)
    ) {
      io.setExitCode(error.exitCode);
      return;
    }
    reportCliError(io, error);
  }
}

/** True when the module at `metaUrl` is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  return process.argv[1] !== undefined && metaUrl === pathToFileURL(process.argv[1]).href;
}
