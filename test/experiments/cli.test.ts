// The experiment CLI as a user meets it: --help, bad configurations, flags overriding a file.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CONFIG_FIELDS } from '../../experiments/config.js';

const run = promisify(execFile);
const CLI = ['tsx', 'experiments/cli.ts'];

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', [...CLI, ...args], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('experiment CLI', () => {
  it('--help lists a flag for every configuration field', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const field of CONFIG_FIELDS) {
      const flag = `--${field.path.replace(/\./g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain('--config');
    expect(stdout).toContain('--backend');
  }, 30_000);

  it('rejects a bad config file naming the field and the allowed values, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ optimizer: { name: 'adamm' }, training: { batchSize: 0 } }));
    const { code, stderr } = await cli(['--config', file]);
    expect(code).toBe(1);
    expect(stderr).toContain(file);
    expect(stderr).toMatch(/optimizer\.name: must be one of "sgd", "momentum", "adam"/);
    expect(stderr).toMatch(/training\.batchSize/);
  }, 30_000);

  it('rejects malformed JSON and unknown flags values clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "optimizer": ');
    const broken = await cli(['--config', file]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('is not valid JSON');
    const badEnum = await cli(['--optimizer-name', 'lion']);
    expect(badEnum.code).toBe(2);
    expect(badEnum.stderr).toMatch(/Allowed choices are sgd, momentum/);
  }, 30_000);

  it('flags override the file and the resolved config is printed with its hash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ optimizer: { name: 'sgd', lr: 0.1 }, model: { width: 8 } }));
    const { code, stdout } = await cli(['--config', file, '--optimizer-lr', '0.5', '--regularization-applies-to', 'conv,gamma', '--print-config']);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as {
      id: string;
      config: { optimizer: { lr: number }; model: { width: number }; regularization: { appliesTo: string[] } };
    };
    expect(printed.id).toMatch(/^[0-9a-f]{16}$/);
    expect(printed.config.optimizer.lr).toBe(0.5);
    expect(printed.config.model.width).toBe(8);
    expect(printed.config.regularization.appliesTo).toEqual(['conv', 'gamma']);
  }, 30_000);
});
