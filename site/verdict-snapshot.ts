// `npm run verdicts:snapshot -- --scale full --version v1`: keeps the current verdict summary as
// a published version (data/<scale>/verdicts/<version>.json: per hypothesis outcome, effect and
// runs, with the commit and data version it was computed at) and lists the verdict-rule commits
// (data/<scale>/verdicts/rule-commits.json) for the site's changes page. A site tool, not a pipeline
// stage: a version keeps the verdicts as the site words them (effect labels and texts), which the
// changes page shows as "then".
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../data/atomic-write.js';
import { join, relative } from 'node:path';
import { Command, Option } from 'commander';
import { SCALES, type Scale } from '../data/schemas/datasets.js';
import { RULE_CHANGES_FILE, ruleChangesFromLog, VERDICTS_FOLDER, verdictSnapshot } from './lib/publication/changes.js';
import { locateData } from './lib/model/data.js';
import { buildSite } from './lib/model/site.js';
import { dataVersion } from './lib/publication/versions.js';

/** Paths whose history holds the verdict rules. */
const RULE_PATHS = ['site/lib/verdicts.ts', 'site/lib/verdicts', 'analysis']; // site/lib/verdicts.ts: before site/lib's folders

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();

const program = new Command('verdicts:snapshot')
  .description('keep the current verdicts as a published version and list the verdict-rule commits')
  .addOption(new Option('--scale <scale>', 'scale of the datasets').choices(SCALES).default('full'))
  .option('--version <name>', 'name of the version (v1, v2, ...)', 'v1')
  .option('--rules-only', 'only list the rule commits again (keeps every version file as it is)', false)
  .action((opts: { scale: Scale; version: string; rulesOnly: boolean }) => {
    const source = locateData({ ...process.env, SITE_SCALE: opts.scale });
    if (source.kind !== 'loaded') throw new Error(source.missing.reason);
    const { data } = source;
    const folder = VERDICTS_FOLDER(data.folder);
    mkdirSync(folder, { recursive: true });
    const rules = ruleChangesFromLog(git('log', '--format=%H%x09%cI%x09%s', '--', ...RULE_PATHS));
    writeFileAtomic(RULE_CHANGES_FILE(data.folder), `${JSON.stringify(rules, null, 1)}\n`);
    process.stderr.write(`${relative(process.cwd(), RULE_CHANGES_FILE(data.folder))}: ${rules.changes.length} rule commits\n`);
    if (opts.rulesOnly) return;
    if (!/^v\d+$/.test(opts.version)) throw new Error(`--version "${opts.version}" is not a version name: use v1, v2, ...`);
    if (git('status', '--porcelain', '--untracked-files=no', '--', 'site', 'analysis', 'experiments', 'data/schemas') !== '') {
      throw new Error('the verdict code has uncommitted changes: commit them first, so the version names the commit its verdicts were computed at');
    }
    const site = buildSite(data.datasets, { scale: data.scale, folder: data.folder, root: data.root, missingReason: null });
    const snapshot = verdictSnapshot(
      site.verdicts,
      site.runs.map((r) => r.run),
      {
        version: opts.version,
        scale: data.scale,
        commit: git('rev-parse', '--short=12', 'HEAD'),
        committedAt: git('log', '-1', '--format=%cI', 'HEAD'),
        dataVersion: dataVersion(data.folder),
      },
    );
    const file = join(folder, `${opts.version}.json`);
    writeFileAtomic(file, `${JSON.stringify(snapshot, null, 1)}\n`);
    process.stderr.write(`${relative(process.cwd(), file)}: ${snapshot.verdicts.length} verdicts over ${snapshot.runs.length} runs at ${snapshot.commit}\n`);
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`verdicts:snapshot: ${(error as Error).message}\n`);
  process.exit(1);
});
